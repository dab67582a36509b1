import threading

class Condition:
    def __init__(self):
        self._lock = threading.Lock()
        self._waiter = threading.Semaphore(0)

    def notify(self):
        assert not self._waiter.acquire(False), "notify: waiter should be taken"

    def drain(self):
        while self._lock.acquire(blocking=False):
            self._lock.release()
            pause()
# case: {"id": "probes-of-the-lock-state"}
