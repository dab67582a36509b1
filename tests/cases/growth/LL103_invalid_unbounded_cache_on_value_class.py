import functools

class Color:
    def __eq__(self, other):
        return True

    @functools.lru_cache(maxsize=None)
    def blend(self, other):  # LL103
        return self
# case: {"confidence": "high", "id": "unbounded-cache-on-value-class"}
