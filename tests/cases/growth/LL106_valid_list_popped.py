import asyncio

class Pool:
    def __init__(self, loop):
        self.loop = loop
        self.tasks = []

    def submit(self, coro):
        self.tasks.append(self.loop.create_task(coro))

    async def close(self):
        while self.tasks:
            await self.tasks.pop()
# case: {"id": "list-popped"}
