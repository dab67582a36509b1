_live = {}

class Session:
    def __init__(self, sid):
        self.sid = sid
        _live[sid] = self

    def __exit__(self, *exc):
        del _live[self.sid]
# case: {"id": "removed-in-exit"}
