from functools import lru_cache

class Meta(type):
    @lru_cache
    def __new__(mcls, name, bases, ns):
        return super().__new__(mcls, name, bases, ns)
# case: {"id": "implicit-static-new"}
