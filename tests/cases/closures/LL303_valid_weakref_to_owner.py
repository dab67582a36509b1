import weakref

class Panel:
    def __init__(self, bus):
        self.button = bus.button()
        ref = weakref.ref(self)
        self.button.on_click(lambda: ref() and ref().refresh())
# case: {"id": "weakref-to-owner"}
