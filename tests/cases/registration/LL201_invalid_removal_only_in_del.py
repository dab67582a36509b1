_open = set()

class Handle:
    def __init__(self):
        _open.add(self)  # LL201

    def __del__(self):
        _open.discard(self)
# case: {"confidence": "high", "id": "removal-only-in-del", "message_contains": "cannot run"}
