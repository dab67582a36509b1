from functools import lru_cache

def make_handler():
    @lru_cache(maxsize=None)
    def handle(key):
        return key
    return handle
# case: {"id": "nested-function"}
