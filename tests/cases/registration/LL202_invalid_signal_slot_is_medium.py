import signal

class Server:
    def serve(self):
        signal.signal(signal.SIGTERM, lambda *a: self.stop())  # LL202

    def stop(self):
        pass
# case: {"confidence": "medium", "id": "signal-slot-is-medium", "message_contains": "until another call replaces it", "options": {"all-forms": true}}
