import asyncio
from threading import Thread


class ThreadLoop(Thread):
    def __init__(self):
        Thread.__init__(self)
        self.loop = None

    def run(self):
        self.loop = asyncio.new_event_loop()  # LL603
        self.loop.run_forever()

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)

    def __exit__(self, *exc):
        self.stop()
        self.join()
# case: {"message_contains": "never closed"}
