class Conn:
    def __init__(self, loop, sock):
        self.loop = loop
        loop.add_reader(sock.fileno(), self._on_readable)  # LL202
        loop.add_signal_handler(15, self._on_term)  # LL202

    def _on_readable(self):
        pass

    def _on_term(self):
        pass
# case: {"id": "event-loop-readers", "options": {"all-forms": true}}
