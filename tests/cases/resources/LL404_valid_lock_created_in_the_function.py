import threading

def test_contended():
    lock = threading.Lock()
    lock.acquire()
    worker = threading.Thread(target=lambda: lock.acquire(False))
    worker.start()
    worker.join()
    lock.release()
# case: {"id": "lock-created-in-the-function"}
