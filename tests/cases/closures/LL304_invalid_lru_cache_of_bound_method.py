import functools

class Service:
    def __init__(self):
        self.lookup = functools.lru_cache(None)(self._lookup)  # LL304

    def _lookup(self, key):
        return key
# case: {"id": "lru-cache-of-bound-method", "message_contains": "keeps every argument"}
