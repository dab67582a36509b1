class Panel:
    def __init__(self, factory):
        self.button = factory.button()
        self.button.on_click(lambda: self.refresh())  # LL303
        self.model.signals.changed.connect(lambda value: self.redraw(value))  # LL303

    def refresh(self):
        pass
# case: {"id": "lambda-over-self-on-owned-object", "message_contains": "which owns"}
