import weakref

class Resource:
    def __init__(self, handle):
        self.handle = handle
        self._finalizer = weakref.finalize(self, handle.close)
# case: {"id": "weakref-finalize"}
