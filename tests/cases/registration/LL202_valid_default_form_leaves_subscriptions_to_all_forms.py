class Handler:
    def __init__(self, bus):
        bus.subscribe("changed", self.on_changed)

    def on_changed(self, event):
        pass
# case: {"id": "default-form-leaves-subscriptions-to-all-forms"}
