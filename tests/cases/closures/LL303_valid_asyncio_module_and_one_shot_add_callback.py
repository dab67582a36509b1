import asyncio

class Stream:
    def start(self):
        self.close_future.add_done_callback(lambda f: self.stop())

class Loop:
    def run_sync(self, func):
        def run():
            self.result = func()
        self.add_callback(run)
# case: {"id": "asyncio-module-and-one-shot-add-callback"}
