import asyncio

class Client:
    def start(self, loop):
        self._task = loop.create_task(self.run())
        self._task.add_done_callback(lambda t: self.on_done(t))
# case: {"id": "asyncio-task-drops-callbacks-when-done"}
