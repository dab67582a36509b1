class Widget:
    def __init__(self, bus):
        bus.connect("changed", self.on_changed, weak=True)

    def on_changed(self, event):
        pass
# case: {"id": "explicit-weak-true"}
