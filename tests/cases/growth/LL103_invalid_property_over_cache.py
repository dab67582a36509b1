from functools import lru_cache

class Service:
    @property
    @lru_cache(maxsize=None)
    def config(self):  # LL103
        return {}
# case: {"id": "property-over-cache"}
