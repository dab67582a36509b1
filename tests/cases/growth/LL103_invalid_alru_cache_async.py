from async_lru import alru_cache

class Client:
    @alru_cache(maxsize=None)
    async def fetch(self, url):  # LL103
        return url
# case: {"id": "alru-cache-async"}
