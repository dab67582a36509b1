def start(app):
    app.listeners.add(print)

class Plugin:
    def load(self, app):
        app.on("ready", self.name)
        self.name = "plugin"
# case: {"id": "callback-pins-nothing"}
