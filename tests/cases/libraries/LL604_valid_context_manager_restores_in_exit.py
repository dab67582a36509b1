import threading

_tls = threading.local()

class skip_data:
    def __init__(self, materialize):
        self.materialize = materialize

    def __enter__(self):
        self._old = _tls.materialize
        _tls.materialize = self.materialize

    def __exit__(self, *exc):
        _tls.materialize = self._old
# case: {"id": "context-manager-restores-in-exit"}
