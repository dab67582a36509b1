class Watcher:
    def __init__(self, path):
        self.path = path
        self.check = lambda: self.path  # LL502

        def on_change():
            return self.path
        self.on_change = on_change  # LL502

    def __del__(self):
        pass
# case: {"id": "closure-over-self", "message_contains": "closure"}
