_cache = {}

def get(key):
    if len(_cache) > 1000:
        _cache.clear()
    _cache[key] = compute(key)

_log = []

def record(line):
    if len(_log) < 100:
        _log.append(line)
# case: {"id": "size-guard"}
