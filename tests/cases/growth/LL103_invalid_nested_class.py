from functools import lru_cache

class Outer:
    class Inner:
        @lru_cache(maxsize=None)
        def get(self, key):  # LL103
            return key
# case: {"id": "nested-class"}
