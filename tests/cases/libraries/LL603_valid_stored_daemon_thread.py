import threading

class Queue:
    def _start_thread(self):
        self._thread = threading.Thread(target=self._feed)
        self._thread.daemon = True
        self._thread.start()

    def _feed(self):
        pass
# case: {"id": "stored-daemon-thread"}
