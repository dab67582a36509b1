class Cache:
    def __init__(self):
        self._loaders = {}

    def add(self, key, source):
        self._loaders[key] = lambda: source.read()
# case: {"id": "instance-container"}
