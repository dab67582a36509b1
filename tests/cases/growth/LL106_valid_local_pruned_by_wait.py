import asyncio

async def serve(queue):
    pending = set()
    while True:
        job = await queue.get()
        pending.add(asyncio.create_task(handle(job)))
        done, pending = await asyncio.wait(pending, timeout=0)
# case: {"id": "local-pruned-by-wait"}
