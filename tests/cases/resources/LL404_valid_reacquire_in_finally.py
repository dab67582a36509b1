import threading

_lock = threading.Lock()

def blocking_call(fn):
    _lock.release()
    try:
        return fn()
    finally:
        _lock.acquire()
# case: {"id": "reacquire-in-finally"}
