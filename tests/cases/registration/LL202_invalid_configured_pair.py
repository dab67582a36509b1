class Plugin:
    def load(self, app):
        app.attach(self.on_ready)  # LL202

    def on_ready(self):
        pass
# case: {"id": "configured-pair", "message_contains": "never calls detach", "options": {"all-forms": true, "extend-pairs": [["attach", "detach"]]}}
