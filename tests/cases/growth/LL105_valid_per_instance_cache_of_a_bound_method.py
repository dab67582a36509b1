import functools

class Client:
    def __init__(self):
        self.lookup = functools.lru_cache(maxsize=256)(self._lookup)

    def _lookup(self, key):
        return key
# case: {"id": "per-instance-cache-of-a-bound-method"}
