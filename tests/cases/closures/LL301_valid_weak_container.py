import weakref

LIVE = weakref.WeakSet()

def track(session):
    cb = lambda: session.close()
    LIVE.add(cb)
# case: {"id": "weak-container"}
