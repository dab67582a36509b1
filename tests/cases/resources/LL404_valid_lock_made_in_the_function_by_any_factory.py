class LockTests:
    def test_try_acquire_contended(self):
        lock = self.locktype()
        lock.acquire()
        result = []
        start_thread(lambda: result.append(lock.acquire(False)))
        self.assertFalse(result[0])
        lock.release()
# case: {"id": "lock-made-in-the-function-by-any-factory"}
