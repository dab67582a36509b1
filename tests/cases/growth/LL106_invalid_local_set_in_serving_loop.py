from asyncio import ensure_future

async def serve(queue):
    running = set()
    while True:
        job = await queue.get()
        running.add(ensure_future(handle(job)))  # LL106
# case: {"confidence": "medium", "id": "local-set-in-serving-loop"}
