import threading

_lock = threading.Lock()

def lookup(cache, key):
    _lock.acquire()  # LL404
    if key in cache:
        return cache[key]
    value = cache[key] = load(key)
    _lock.release()
    return value
# case: {"id": "early-return-skips-the-release"}
