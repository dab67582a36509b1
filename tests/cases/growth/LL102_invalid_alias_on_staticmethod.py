import functools

memoize = functools.lru_cache(maxsize=None)

class Geo:
    @staticmethod
    @memoize
    def distance(a, b):  # LL102
        return abs(a - b)
# case: {"id": "alias-on-staticmethod"}
