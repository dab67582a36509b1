import asyncio

class Client:
    def connect(self):
        self._loop = asyncio.new_event_loop()  # LL603
        self._loop.run_until_complete(self._open())

    async def _open(self):
        pass
# case: {"id": "loop-stored-but-never-closed"}
