import weakref
from collections import deque

_by_obj = weakref.WeakKeyDictionary()
_live = weakref.WeakSet()
_history = deque(maxlen=100)

def track(obj):
    _by_obj[obj] = len(_history)
    _live.add(obj)
    _history.append(obj)
# case: {"id": "weak-containers-and-bounded-deque"}
