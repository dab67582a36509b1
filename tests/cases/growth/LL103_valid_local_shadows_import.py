import functools

def lru_cache(fn):
    return fn

class Service:
    @lru_cache
    def lookup(self, key):
        return key
# case: {"id": "local-shadows-import"}
