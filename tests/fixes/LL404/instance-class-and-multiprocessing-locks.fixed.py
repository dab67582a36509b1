import multiprocessing
import threading

class Counter:
    _class_lock = threading.Lock()

    def __init__(self):
        self._lock = threading.RLock()
        self._sem = multiprocessing.Semaphore(4)

    def add(self, n):
        with self._lock:  # LL404
            self.total += int(n)

    def run(self, job):
        with self._sem:  # LL404
            job()

    @classmethod
    def reset(cls):
        with cls._class_lock:  # LL404
            cls.total = int("0")
