import atexit

class Producer:
    def __init__(self):
        atexit.register(self.close)

    def close(self):
        atexit.unregister(self.close)
# case: {"id": "default-form-unregistered"}
