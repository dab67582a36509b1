import asyncio

background_tasks = set()

def fire_and_forget(coro):
    background_tasks.add(asyncio.create_task(coro))  # LL106
