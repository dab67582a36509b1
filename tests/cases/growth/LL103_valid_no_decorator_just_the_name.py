from functools import lru_cache

class Service:
    def lru_cache(self, f):
        return f

class Other:
    def helper(self):
        lru_cache = lambda f: f
        return lru_cache
# case: {"id": "no-decorator-just-the-name"}
