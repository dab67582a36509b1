_graveyard = []

class Handle:
    registry = {}

    def __del__(self):
        _graveyard.append(self)  # LL502
        Handle.registry[id(self)] = self  # LL502
# case: {"confidence": "medium", "id": "resurrection", "message_contains": "resurrecting"}
