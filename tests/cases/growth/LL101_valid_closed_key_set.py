import enum

class Mode(enum.Enum):
    FAST = 1

_stats = {}
_flags = set()

def hit():
    _stats["hits"] = _stats.get("hits", 0) + 1
    _stats[Mode.FAST] = True
    _flags.add("seen")
    _stats.setdefault("misses", 0)
    _stats.update(total=1)
# case: {"id": "closed-key-set"}
