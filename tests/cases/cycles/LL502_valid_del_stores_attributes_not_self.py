_pending = []

class Job:
    def __del__(self):
        _pending.append(self.result)
        self.cleanup = None
# case: {"id": "del-stores-attributes-not-self"}
