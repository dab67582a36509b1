import threading

_lock = threading.Lock()

def update(cache, key, value):
    if _lock.acquire(timeout=1):  # LL404
        cache[key] = compute(value)
        _lock.release()
# case: {"id": "acquired-with-timeout"}
