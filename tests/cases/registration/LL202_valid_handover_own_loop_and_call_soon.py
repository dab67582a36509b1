import asyncio

class App:
    def register_blueprint(self, blueprint):
        blueprint.register(self, {})

    def bind_task(self, task):
        task.bind(self)

class Worker:
    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.loop.add_signal_handler(15, self.handle_exit)

    def handle_exit(self):
        pass

class Runner:
    def __init__(self, io_loop):
        self.io_loop = io_loop

    def schedule(self):
        self.io_loop.add_callback(self.run)

    def run(self):
        pass
# case: {"id": "handover-own-loop-and-call-soon"}
