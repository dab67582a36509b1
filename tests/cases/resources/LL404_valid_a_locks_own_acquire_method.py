import threading

class CountingLock:
    def __init__(self):
        self._lock = threading.Lock()
        self._count = 3

    def acquire(self, timeout=-1):
        got_it = self._lock.acquire(timeout=timeout)
        if got_it and self._count > 0:
            self._count -= 1
            self._lock.release()
            return False
        return got_it
# case: {"id": "a-locks-own-acquire-method"}
