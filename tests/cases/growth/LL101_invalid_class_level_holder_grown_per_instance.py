from threading import Lock


class MeterProvider:
    _all_readers = set()  # shared by every provider, to reject a reader used twice
    _all_readers_lock = Lock()

    def __init__(self, config):
        self._config = config
        for reader in config.readers:
            with self._all_readers_lock:
                if reader in self._all_readers:
                    raise ValueError("reader already in use")
                self._all_readers.add(reader)  # LL101
            reader._set_collect_callback(self.collect)

    def collect(self):
        return []


class ChainMap:
    _observers = []

    def bind_to(self, on_change):
        self._observers.append(on_change)  # LL101
# case: {"message_contains": "class-level"}
