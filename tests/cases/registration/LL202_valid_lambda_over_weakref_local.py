import weakref

class Panel:
    def __init__(self, app):
        ref = weakref.ref(self)
        app.on("resize", lambda e: ref() and ref().layout())
# case: {"id": "lambda-over-weakref-local"}
