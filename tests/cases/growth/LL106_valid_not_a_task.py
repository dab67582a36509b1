import asyncio

_tasks = set()

def spawn(coro):
    _tasks.add(coro)
    asyncio.create_task(other())
# case: {"id": "not-a-task"}
