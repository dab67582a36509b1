import asyncio

class TaskGroup:
    def start_soon(self, coro):
        task = asyncio.create_task(coro)
        self.cancel_scope._tasks.add(task)
        task.add_done_callback(self._task_done)

class CancelScope:
    def _task_done(self, task):
        self._tasks.remove(task)
# case: {"id": "pruned-through-another-view-of-the-attribute"}
