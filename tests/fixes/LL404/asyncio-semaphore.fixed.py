import asyncio

class Limiter:
    def __init__(self):
        self._sem = asyncio.Semaphore(10)

    async def call(self, fn):
        async with self._sem:  # LL404
            result = await fn()
        return result
