from blinker import signal

started = signal("started")

class Worker:
    def __init__(self):
        started.connect(self.on_started, weak=False)  # LL202

    def on_started(self, sender):
        pass
# case: {"id": "blinker-weak-false", "options": {"all-forms": true}}
