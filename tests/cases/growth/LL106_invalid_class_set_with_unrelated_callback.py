import asyncio

class Worker:
    tasks = set()

    async def run(self, stream):
        async for item in stream:
            t = asyncio.create_task(self.process(item))
            self.tasks.add(t)  # LL106
            t.add_done_callback(print)
# case: {"id": "class-set-with-unrelated-callback"}
