import weakref

_live = set()

class Handle:
    def __init__(self):
        _live.add(self.token)
        weakref.finalize(self, _live.discard, self.token)
# case: {"id": "stores-data-not-self-and-finalize-removes"}
