import atexit

class Cache:
    def __init__(self):
        atexit.register(self.flush)

    def flush(self):
        pass

    def close(self):
        atexit.unregister(self.flush)
# case: {"id": "atexit-unregistered"}
