from async_lru import alru_cache

async def crawl(urls):
    @alru_cache(maxsize=None)
    async def fetch(url):  # LL105
        return url
    return fetch
# case: {"id": "async"}
