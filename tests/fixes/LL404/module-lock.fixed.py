import threading

_lock = threading.Lock()

def update(cache, key, value):
    with _lock:  # LL404
        cache[key] = compute(value)
