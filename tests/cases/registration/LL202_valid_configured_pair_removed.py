class Plugin:
    def load(self, app):
        app.attach(self.on_ready)

    def unload(self, app):
        app.detach(self.on_ready)

    def on_ready(self):
        pass
# case: {"id": "configured-pair-removed", "options": {"extend-pairs": [["attach", "detach"]]}}
