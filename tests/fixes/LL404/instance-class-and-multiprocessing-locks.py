import multiprocessing
import threading

class Counter:
    _class_lock = threading.Lock()

    def __init__(self):
        self._lock = threading.RLock()
        self._sem = multiprocessing.Semaphore(4)

    def add(self, n):
        self._lock.acquire()  # LL404
        self.total += int(n)
        self._lock.release()

    def run(self, job):
        self._sem.acquire()  # LL404
        job()
        self._sem.release()

    @classmethod
    def reset(cls):
        cls._class_lock.acquire()  # LL404
        cls.total = int("0")
        cls._class_lock.release()
