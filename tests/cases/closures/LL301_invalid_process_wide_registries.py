import atexit
import signal

class Worker:
    def start(self):
        atexit.register(lambda: self.stop())  # LL301
        signal.signal(signal.SIGTERM, lambda signum, frame: self.stop())  # LL301
# case: {"id": "process-wide-registries"}
