class Watcher:
    def start(self):
        self._cb = lambda event: self.handle(event)
        self.source.subscribe(self._cb)

    def stop(self):
        self.source.unsubscribe(self._cb)
# case: {"id": "callback-removed-again"}
