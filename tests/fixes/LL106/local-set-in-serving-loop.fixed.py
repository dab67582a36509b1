from asyncio import ensure_future

async def serve(queue):
    running = set()
    while True:
        job = await queue.get()
        task = ensure_future(handle(job))
        running.add(task)  # LL106
        task.add_done_callback(running.discard)
