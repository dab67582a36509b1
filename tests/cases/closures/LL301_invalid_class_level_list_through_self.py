class Connection:
    _close_hooks = []

    def open(self, sock):
        self._close_hooks.append(lambda: sock.close())  # LL301
# case: {"id": "class-level-list-through-self", "message_contains": "class-level list"}
