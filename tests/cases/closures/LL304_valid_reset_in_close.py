class Stream:
    def __init__(self):
        self._write = None

    def open(self):
        self._write = self._write_open

    def close(self):
        self._write = None

    def _write_open(self, data):
        pass
# case: {"id": "reset-in-close"}
