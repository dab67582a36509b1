from functools import lru_cache as lc

class Service:
    @lc(None)
    def lookup(self, key):  # LL103
        return key
# case: {"confidence": "high", "id": "aliased-import-positional-none"}
