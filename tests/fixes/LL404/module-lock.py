import threading

_lock = threading.Lock()

def update(cache, key, value):
    _lock.acquire()  # LL404
    cache[key] = compute(value)
    _lock.release()
