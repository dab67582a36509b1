import atexit

class Pool:
    def start(self):
        self._cleanup = lambda: self.close()
        atexit.register(self._cleanup)

    def close(self):
        atexit.unregister(self._cleanup)
# case: {"id": "atexit-unregistered"}
