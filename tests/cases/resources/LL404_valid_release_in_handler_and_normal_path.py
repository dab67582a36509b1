import threading

_lock = threading.Lock()

def update(cache, key, value):
    _lock.acquire()
    try:
        cache[key] = value
    except KeyError:
        _lock.release()
        raise
    _lock.release()
# case: {"id": "release-in-handler-and-normal-path"}
