import asyncio

class Server:
    def __init__(self):
        self._handlers = []
        self._loop = asyncio.get_event_loop()

    def on_connect(self, conn):
        task = self._loop.create_task(self.handle(conn))
        self._handlers.append(task)  # LL106

    async def handle(self, conn):
        pass
