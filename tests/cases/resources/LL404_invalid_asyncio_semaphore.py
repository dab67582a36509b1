import asyncio

class Limiter:
    def __init__(self):
        self._sem = asyncio.Semaphore(10)

    async def call(self, fn):
        await self._sem.acquire()  # LL404
        result = await fn()
        self._sem.release()
        return result
# case: {"id": "asyncio-semaphore"}
