import atexit

class Connection:
    def __init__(self):
        atexit.register(self.close)  # LL202

    def close(self):
        pass
# case: {"confidence": "high", "id": "atexit-bound-method", "message_contains": "process-wide", "options": {"all-forms": true}}
