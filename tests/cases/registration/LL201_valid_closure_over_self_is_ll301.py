_handlers = []

class Widget:
    def __init__(self):
        _handlers.append(lambda event: self.on_event(event))

    def on_event(self, event):
        pass
# case: {"id": "closure-over-self-is-LL301"}
