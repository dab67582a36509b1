_pending = []

class Request:
    def queue(self):
        _pending.append((self, 1))  # LL201
# case: {"id": "tuple-holding-self"}
