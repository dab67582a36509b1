class Peer:
    _peers = []

    def __init__(self):
        Peer._peers.append(self)  # LL201

    def _forget(self):
        Peer._peers.remove(self)
# case: {"confidence": "medium", "id": "removal-only-in-uncalled-method", "message_contains": "nothing in this module calls _forget"}
