from blinker import signal

started = signal("started")

class Worker:
    def __init__(self):
        started.connect(self.on_started)

    def on_started(self, sender):
        pass
# case: {"id": "blinker-connects-weakly"}
