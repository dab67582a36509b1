"""Containers and caches, as data: which constructors build a growable container, which
methods grow or shrink each family, which decorators are caches and which of them are
unbounded whatever their arguments.

Read by `leaklint.analysis.containers` (the process-lived containers of a file and their uses)
and by the growth family (LL1xx) through `leaklint.rules.growth._common`.
"""

from __future__ import annotations

# qualified constructor -> (kind, family): family is "dict" | "list" | "set" | "deque"
CONSTRUCTORS = {
    "builtins.dict": ("dict", "dict"),
    "builtins.list": ("list", "list"),
    "builtins.set": ("set", "set"),
    "builtins.bytearray": ("bytearray", "list"),
    "collections.defaultdict": ("defaultdict", "dict"),
    "collections.OrderedDict": ("OrderedDict", "dict"),
    "collections.Counter": ("Counter", "dict"),
    "collections.ChainMap": ("ChainMap", "dict"),
    "collections.deque": ("deque", "deque"),
    "typing.DefaultDict": ("defaultdict", "dict"),
    "typing.OrderedDict": ("OrderedDict", "dict"),
    "typing.Counter": ("Counter", "dict"),
    "typing.Deque": ("deque", "deque"),
}
CONSTRUCTOR_TRIGGERS = ("{", "[", "dict(", "list(", "set(", "defaultdict", "OrderedDict", "Counter", "deque", "ChainMap", "bytearray")

GROW_METHODS = {
    "dict": frozenset({"setdefault", "update", "__setitem__"}),
    "list": frozenset({"append", "extend", "insert", "__iadd__"}),
    "deque": frozenset({"append", "appendleft", "extend", "extendleft", "insert"}),
    "set": frozenset({"add", "update"}),
}
ALL_GROW = frozenset().union(*GROW_METHODS.values())
# methods whose argument is a key (so a literal argument means a closed key set)
KEYED_METHODS = frozenset({"setdefault", "add", "__setitem__"})
SHRINK_METHODS = frozenset(
    {
        "pop", "popitem", "popleft", "remove", "discard", "clear", "difference_update",
        "intersection_update", "symmetric_difference_update", "__delitem__",
    }
)
SHRINK_FUNCTIONS = frozenset({"heapq.heappop", "heapq.heapreplace"})
GROW_FUNCTIONS = frozenset({"heapq.heappush", "bisect.insort", "bisect.insort_left", "bisect.insort_right"})

CACHES = {
    "functools.lru_cache": "lru_cache",
    "functools.cache": "cache",
    "async_lru.alru_cache": "alru_cache",
}
UNBOUNDED_ONLY = frozenset({"functools.cache"})
