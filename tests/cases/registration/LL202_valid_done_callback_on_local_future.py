import asyncio

class Client:
    async def fetch(self, loop):
        fut = loop.create_future()
        fut.add_done_callback(self._done)
        return await fut

    def _done(self, fut):
        pass
# case: {"id": "done-callback-on-local-future"}
