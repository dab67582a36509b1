"""Weak references, as data: the factories that make one and the containers that hold their
entries weakly (an object kept only there can be collected).

Read by the registration (LL2xx), closure (LL3xx) and request-state rules. `_weakrefset.WeakSet`
is the class `weakref.WeakSet` re-exports (the standard library imports it from there).
"""

from __future__ import annotations

WEAK_CONTAINERS = frozenset(
    {
        "weakref.WeakSet", "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary",
        "_weakrefset.WeakSet",
    }
)
WEAKREF_FACTORIES = frozenset(
    {
        "weakref.ref", "weakref.proxy", "weakref.WeakMethod", "weakref.finalize",
        "_weakref.ref", "_weakref.proxy",
    }
) | WEAK_CONTAINERS
