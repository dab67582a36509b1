import signal

class Server:
    def serve(self):
        old = signal.signal(signal.SIGTERM, self.stop)
        try:
            pass
        finally:
            signal.signal(signal.SIGTERM, old)

    def stop(self, *args):
        pass
# case: {"id": "signal-handler-restored"}
