import weakref

class TempDir:
    def __init__(self, path):
        self.path = path
        self._finalizer = weakref.finalize(self, _cleanup, path)

def _cleanup(path):
    pass
# case: {"id": "finalize-without-self"}
