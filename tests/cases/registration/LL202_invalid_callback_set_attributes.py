class Tab:
    def open(self, window):
        window.listeners.add(self.on_event)  # LL202
        window.on_close.append(self.on_close)  # LL202

    def on_event(self, e):
        pass

    def on_close(self):
        pass
# case: {"id": "callback-set-attributes", "message_contains": "never calls", "options": {"all-forms": true}}
