from mylib import lru_cache

class Service:
    @lru_cache
    def lookup(self, key):
        return key
# case: {"id": "look-alike-from-another-module"}
