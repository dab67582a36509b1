import functools

memoize = functools.lru_cache(maxsize=None)

class Service:
    @memoize
    def lookup(self, key):  # LL103
        return key

    @functools.lru_cache(maxsize=None)
    async def fetch(self, url):  # LL103
        return url
# case: {"confidence": "high", "id": "module-level-alias-and-async-method"}
