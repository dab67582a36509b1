import collections

RECENT = collections.deque(maxlen=100)

def track(session):
    RECENT.append(lambda: session.close())
# case: {"id": "bounded-deque"}
