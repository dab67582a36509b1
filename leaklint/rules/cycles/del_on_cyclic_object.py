from __future__ import annotations

import libcst as cst

from ...types import Confidence, Invalid, Valid
from ._common import CycleCollector

HOW = {
    "backref": "hands itself to {detail}, which it also holds",
    "childref": "stores its parent in {detail} and adds itself to that parent",
    "ctor": "holds a {detail} that stores it back",
    "bound": "stores its own bound method {detail}",
    "closure": "stores a closure over itself ({detail})",
    "selfref": "stores itself",
}


class DelOnCyclicObject(CycleCollector):
    """
    ## What it does
    Checks for classes that define `__del__` and whose instances reference themselves: a bound
    method of the instance stored on it (`self.callback = self.on_data`), a lambda or nested
    function that uses `self` stored on it, `self` stored in its own attributes, or the
    parent/child shapes of LL501. Also checks for `__del__` methods that store `self`
    somewhere that outlives the call (resurrection).

    ## Why is this bad?
    A bound method holds a reference to its instance, and so does a closure over `self`; stored
    on the instance, either makes the instance part of a reference cycle. Reference counting
    never frees a cycle, so `__del__` does not run when the program drops the object: the
    object, everything it owns and whatever `__del__` was meant to release (a socket, a file, a
    temporary directory, a lock) stay alive until the cyclic garbage collector finds the cycle,
    and never when the collector is disabled or frozen. When it does run, the collector calls
    the finalizers of a cycle in an arbitrary order, so `__del__` may see attributes whose
    objects were already finalized. A `__del__` that stores `self` resurrects the object: it is
    not freed, and since Python 3.4 its `__del__` will not run a second time.

    ## Known problems
    Measured on the ecosystem corpus: 20 findings, 0 of the 14 reviewed real (deliberate cycles in gc / finalization tests, `Popen.__del__` resurrecting into `_active` by design, `aifc` writers whose `close()` breaks the cycle, which the cyclic GC collects anyway since PEP 442), so the rule is opt-in.
    Bound methods are recognized only for methods defined in the class or in a base class of the
    same module; a method that a class replaces per instance (`self.method = ...`) is not
    treated as a method. The finding is about when the finalizer runs, not whether: with the
    collector enabled, the object is freed at some later collection. Resurrection is reported
    with medium confidence: it is usually deliberate (`subprocess.Popen.__del__` keeps unreaped
    children in a list).

    ## Fix safety
    There is no automatic fix. Call the method instead of storing it, store a
    `weakref.WeakMethod(self.method)`, or move the cleanup from `__del__` to
    `weakref.finalize(self, release, resource)` (whose callback must not reference `self`),
    which runs reliably and in a defined order.

    ## References
    - [object.__del__](https://docs.python.org/3/reference/datamodel.html#object.__del__)
    - [PEP 442 — Safe object finalization](https://peps.python.org/pep-0442/)
    - [weakref.finalize](https://docs.python.org/3/library/weakref.html#weakref.finalize)
    - LL501 (`strong-back-reference`) reports the parent/child shapes in any class.
    """

    code = "LL502"
    default_enabled = False
    name = "del-on-cyclic-object"
    message = "{cls} defines __del__ and {how}: the instance is a reference cycle, so its finalizer runs only when the cyclic garbage collector gets to it, in arbitrary order"
    resurrect_message = "__del__ of {cls} stores the instance in {where}, resurrecting it: the object is not freed and its finalizer will not run again"
    confidence = Confidence.HIGH
    triggers = ("__del__",)
    fix_title = "Store a weakref.WeakMethod or call the method instead of storing it; prefer weakref.finalize over __del__"

    VALID = [
        Valid(
            """
            class Connection:
                def __init__(self, sock):
                    self.sock = sock
                    self.handler = self.on_data

                def on_data(self, data):
                    return data
            """,
            id="bound-method-without-del",
        ),
        Valid(
            """
            import weakref

            class Connection:
                def __init__(self, sock):
                    self.sock = sock
                    self.handler = weakref.WeakMethod(self.on_data)

                def on_data(self, data):
                    return data

                def __del__(self):
                    self.sock.close()
            """,
            id="weak-method",
        ),
        Valid(
            """
            class Connection:
                def __init__(self, sock, callback):
                    self.sock = sock
                    self.callback = callback
                    self.reader = sock.makefile

                def __del__(self):
                    self.sock.close()
            """,
            id="stored-callables-of-other-objects",
        ),
    ]

    INVALID = [
        Invalid(
            """
            class Connection:
                def __init__(self, sock):
                    self.sock = sock
                    self.handler = self.on_data  # LL502

                def on_data(self, data):
                    return data

                def __del__(self):
                    self.sock.close()
            """,
            id="bound-method-stored",
            message_contains="bound method",
        ),
        Invalid(
            """
            import functools

            class Client:
                def __init__(self):
                    self.callbacks = []
                    self.callbacks.append(self._retry)  # LL502
                    self.later = functools.partial(self._retry, 3)  # LL502

                def _retry(self, n=1):
                    return n

                def __del__(self):
                    print("closing")
            """,
            id="bound-method-in-container-and-partial",
        ),
    ]

    def leave_Module(self, node: cst.Module) -> None:
        for site in self.resolve_sites():
            if site.kind == "resurrect":
                # resurrection is rarely an accident (subprocess.Popen does it to reap children)
                self.report(site.node, message=self.resurrect_message, confidence=Confidence.MEDIUM, cls=site.cls.name, where=site.detail)
                continue
            if not self.has_del(site.cls):
                continue
            how = HOW[site.kind].format(detail=site.detail)
            self.report(site.node, cls=site.cls.name, how=how)
