import threading

class Server:
    def start(self):
        self._thread = threading.Thread(target=self.serve)
        self._thread.start()
        self.workers = []
        w = threading.Thread(target=self.serve)
        self.workers.append(w)
        w.start()

    def stop(self):
        self._thread.join()

    def serve(self):
        pass
# case: {"id": "thread-owned-by-its-object"}
