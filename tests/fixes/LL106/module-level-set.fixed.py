import asyncio

background_tasks = set()

def fire_and_forget(coro):
    task = asyncio.create_task(coro)
    background_tasks.add(task)  # LL106
    task.add_done_callback(background_tasks.discard)
