import threading
import weakref

class _Tls(threading.local):
    def __init__(self):
        self.tracker = weakref.WeakSet()

tls = _Tls()

class FakeTensor:
    def __init__(self, *args):
        tls.tracker.add(self)
# case: {"id": "stack-is-a-weak-container"}
