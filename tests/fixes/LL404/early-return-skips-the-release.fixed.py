import threading

_lock = threading.Lock()

def lookup(cache, key):
    with _lock:  # LL404
        if key in cache:
            return cache[key]
        value = cache[key] = load(key)
    return value
