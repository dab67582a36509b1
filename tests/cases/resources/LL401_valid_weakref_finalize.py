import weakref

class Reader:
    def __init__(self, path):
        fh = open(path)
        self._finalizer = weakref.finalize(self, fh.close)
        self.read = fh.read
# case: {"id": "weakref-finalize"}
