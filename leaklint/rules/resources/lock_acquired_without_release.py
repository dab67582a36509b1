from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.classes import ModuleClasses
from ...analysis.expr import dotted_name
from ...matchers import method_of
from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from ...analysis.flow import Event, EventKind, FlowWalker, exclusive, follows_at_once, group_by_name, protected
from ...knowledge.resources import LOCK_FACTORIES

ENTER_METHODS = frozenset({"__enter__", "__aenter__"})
LOCKISH = re.compile(r"(lock|mutex|sem(aphore)?|cond(ition)?)$", re.IGNORECASE)


@dataclass
class _Function:
    node: cst.FunctionDef
    cls: Optional[cst.ClassDef]
    self_name: Optional[str]
    has_acquire: bool = False
    outer: Tuple[int, ...] = ()  # ids of the enclosing functions' nodes


@dataclass
class _Pending:
    call: cst.Call
    key: str
    function: _Function
    unreleased: bool  # no release of this lock anywhere in the function


class LockAcquiredWithoutRelease(Rule):
    """
    ## What it does
    Checks for `lock.acquire()` on a `threading`, `multiprocessing` or `asyncio` lock,
    re-entrant lock, semaphore or condition without a `release()` in a `finally` that covers
    it. Locks are recognised by where they were created (a module global, a class attribute or
    `self.<attr>` assigned `threading.Lock()`, `asyncio.Semaphore()` ...), and, with medium
    confidence, by an attribute name ending in `lock`, `mutex`, `sem` / `semaphore` or
    `cond` / `condition` when the creation is not in the module.

    Not reported: `with lock:`; `acquire()` followed at once by `release()` (also
    `if lock.acquire(False): lock.release()` and `try: lock.acquire()` / `else: lock.release()`);
    a release in a `finally`, or in an `except` handler plus on the normal path; an `acquire()`
    inside a `finally` (re-acquiring after a temporary release); `acquire()` in `__enter__` /
    `__aenter__`; a function that acquires and never releases (a lock / unlock pair of methods,
    or a lock used as a signal that another thread releases); a path that returns with the
    lock held right after releasing another lock (a hand-written barrier passing the baton);
    an `acquire()` inside a method named `acquire` (a lock's own implementation); and a lock
    created in the function itself (or the function around it), which nothing outside can be
    waiting on.

    ## Why is this bad?
    A lock has no finaliser that releases it: if anything between `acquire()` and `release()`
    raises, the lock stays held for the life of the lock object, usually the life of the
    process. Every later `acquire()` blocks for ever: worker threads pile up waiting on it,
    requests hang, and a semaphore slot is lost for good with each failure until none are left.
    Nothing reports it; the program just stops making progress.

    ## Known problems
    On the ecosystem corpus (20 PyPI projects + the 3.11 stdlib) all 3 findings were false
    positives, in tests: a lock acquired nowhere else (a held lock blocks nobody) and locks
    used as semaphores handed between threads (acquired in `__init__`, released by another
    thread). It is opt-in (`default_enabled = False`) until it reaches 90% precision on real
    code.

    A lock reached through an attribute created in another module is only recognised by its
    name (confidence medium); a lock passed as a parameter is not checked (in practice these
    are the tests of the lock primitives themselves). A release in a helper function called from a
    `finally` is not seen. An acquire whose release lives in another function is not checked,
    so a lock leaked across functions goes unreported.

    ## Fix safety
    There is no automatic fix. Use `with lock:` (`async with lock:` for asyncio), or put the
    release in a `finally` right after the acquire:
    `lock.acquire()` / `try:` ... / `finally: lock.release()`.

    ## References
    - [threading: Using locks, conditions, and semaphores in the with statement](https://docs.python.org/3/library/threading.html#with-locks)
    - [asyncio synchronization primitives](https://docs.python.org/3/library/asyncio-sync.html)
    - Overlaps pylint `R1732` (`consider-using-with`), which flags every `acquire()` on a
      `threading` lock, also when the release is in a `finally`.
    """

    code = "LL404"
    requires = (ModuleClasses,)
    name = "lock-acquired-without-release"
    message = "{lock} is acquired without a release in a finally; an exception before the release leaves it held and every later acquire blocks for ever"
    confidence = Confidence.HIGH
    default_enabled = False
    triggers = ("acquire",)
    fix_title = "Use with lock: (or release it in a finally right after the acquire)"

    VALID = [
        Valid(
            """
            import threading

            _lock = threading.Lock()

            def update(cache, key, value):
                with _lock:
                    cache[key] = value
            """,
            id="with-lock",
        ),
        Valid(
            """
            import threading

            _lock = threading.RLock()

            def update(cache, key, value):
                _lock.acquire()
                try:
                    cache[key] = value
                finally:
                    _lock.release()

            def update_inside(cache, key, value):
                try:
                    _lock.acquire()
                    cache[key] = value
                finally:
                    _lock.release()
            """,
            id="release-in-finally",
        ),
        Valid(
            """
            import threading

            class Flag:
                def __init__(self):
                    self._lock = threading.Lock()

                def is_owned(self):
                    if self._lock.acquire(False):
                        self._lock.release()
                        return False
                    return True

                def wait_free(self):
                    self._lock.acquire()
                    self._lock.release()

                def settle(self):
                    try:
                        self._lock.acquire()
                    except RuntimeError:
                        pass
                    else:
                        self._lock.release()
            """,
            id="released-at-once",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import threading

            _lock = threading.Lock()

            def update(cache, key, value):
                _lock.acquire()  # LL404
                cache[key] = compute(value)
                _lock.release()
            """,
            id="module-lock",
            confidence=Confidence.HIGH,
        ),
        Invalid(
            """
            import multiprocessing
            import threading

            class Counter:
                _class_lock = threading.Lock()

                def __init__(self):
                    self._lock = threading.RLock()
                    self._sem = multiprocessing.Semaphore(4)

                def add(self, n):
                    self._lock.acquire()  # LL404
                    self.total += int(n)
                    self._lock.release()

                def run(self, job):
                    self._sem.acquire()  # LL404
                    job()
                    self._sem.release()

                @classmethod
                def reset(cls):
                    cls._class_lock.acquire()  # LL404
                    cls.total = int("0")
                    cls._class_lock.release()
            """,
            id="instance-class-and-multiprocessing-locks",
            confidence=Confidence.HIGH,
        ),
    ]

    def __init__(self, context: Any, options: Any = None) -> None:
        super().__init__(context, options)
        self.functions: List[_Function] = []
        self.module_locks: Set[str] = set()
        self.class_locks: Set[Tuple[int, str]] = set()
        self.local_locks: Set[Tuple[int, str]] = set()
        # names assigned the result of a call in a function (a lock made there, by any factory)
        self.created: Set[Tuple[int, str]] = set()
        self.classes = self.fact(ModuleClasses).by_name
        self.pending: List[_Pending] = []

    # ------------------------------------------------------------------ traversal
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        cls, self_name = method_of(self.context, node)
        outer = tuple(id(f.node) for f in self.functions)
        self.functions.append(_Function(node, cls, self_name, outer=outer))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        function = self.functions.pop()
        name = original_node.name.value
        if function.has_acquire and name not in ENTER_METHODS and "acquire" not in name and name != "lock":
            self._analyze(function)  # (an `acquire` / `lock` method is a lock's own API)

    def _note_lock(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        scope = self.context.scope
        if isinstance(target, cst.Name) and isinstance(value, cst.Call) and scope.kind == "function":
            self.created.add((id(scope.node), target.value))
        if not isinstance(value, cst.Call) or self.context.call_name(value) not in LOCK_FACTORIES:
            return
        if isinstance(target, cst.Name) and isinstance(value, cst.Call) and scope.kind == "function":
            self.created.add((id(scope.node), target.value))
        if isinstance(target, cst.Name):
            if scope.kind == "module":
                self.module_locks.add(target.value)
            elif scope.kind == "class":
                self.class_locks.add((id(scope.node), target.value))
            else:
                self.local_locks.add((id(scope.node), target.value))
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and self.functions:
            function = self.functions[-1]
            if function.cls is not None and target.value.value == function.self_name:
                self.class_locks.add((id(function.cls), target.attr.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._note_lock(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._note_lock(node.target, node.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "acquire" and self.functions:
            self.functions[-1].has_acquire = True

    # ------------------------------------------------------------------ one function
    def _analyze(self, function: _Function) -> None:
        walker = FlowWalker(set(), {}, {}, function.self_name, methods=frozenset({"acquire", "release"}))
        events = walker.run(function.node.body)
        by_key = group_by_name(events)
        returns = by_key.pop("", [])
        for key, key_events in by_key.items():
            if _waits_for_another_thread(key_events) or _passes_the_baton(key, key_events, returns, events):
                continue
            for index, event in enumerate(key_events):
                if event.kind != EventKind.CALL or event.detail != "acquire" or event.in_finally:
                    continue
                if isinstance(event.statement, cst.Assert):
                    continue  # `assert not lock.acquire(False)`: a probe of the lock's state
                self._judge(function, key, key_events, index)

    def _judge(self, function: _Function, key: str, events: List[Event], index: int) -> None:
        acquire = events[index]
        releases = [
            e for e in events[index + 1:] if e.kind == EventKind.CALL and e.detail == "release" and not exclusive(acquire, e)
        ]
        loops = acquire.loops()
        if loops:
            releases += [
                e
                for e in events[:index]
                if e.kind == EventKind.CALL and e.detail == "release" and loops[0] in e.loops() and not exclusive(acquire, e)
            ]
        if releases and (protected(releases) or follows_at_once(acquire, releases)):
            return
        if not releases and any(e.kind == EventKind.CALL and e.detail == "release" for e in events):
            return  # released earlier in the function: a release / re-acquire dance
        call = acquire.node
        assert isinstance(call, cst.Call)
        self.pending.append(_Pending(call, key, function, unreleased=not releases))

    # ------------------------------------------------------------------ module end
    def leave_Module(self, original_node: cst.Module) -> None:
        for pending in self.pending:
            if pending.unreleased:
                continue  # released elsewhere, or a lock used as a signal between threads
            function = pending.function
            if "." not in pending.key and any(
                (ident, pending.key) in self.created for ident in (id(function.node), *function.outer)
            ):
                continue  # created in this function (or the one around it): a test's own lock
            confidence = self._lock_confidence(pending)
            if confidence is None:
                continue
            self.report(pending.call, confidence=confidence, lock=pending.key)

    def _lock_confidence(self, pending: _Pending) -> Optional[Confidence]:
        key = pending.key
        function = pending.function
        parts = key.split(".")
        if len(parts) == 1:
            if (id(function.node), key) in self.local_locks or key in self.module_locks:
                return Confidence.HIGH
        elif len(parts) == 2:
            base, attr = parts
            if function.cls is not None and base in (function.self_name, "cls", function.cls.name.value):
                if (id(function.cls), attr) in self.class_locks or self._inherited_lock(function.cls, attr):
                    return Confidence.HIGH
            for cls in self.classes.get(base, ()):
                if (id(cls), attr) in self.class_locks:
                    return Confidence.HIGH
        if len(parts) > 1 and LOCKISH.search(parts[-1].strip("_")):
            return Confidence.MEDIUM  # `self._mutex`: an attribute named like a lock
        return None  # a plain name from a parameter: a lock primitive's own tests, mostly

    def _inherited_lock(self, cls: cst.ClassDef, attr: str) -> bool:
        seen: Set[int] = set()
        todo = [cls]
        while todo:
            current = todo.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            if (id(current), attr) in self.class_locks:
                return True
            for arg in current.bases:
                name = dotted_name(arg.value).rsplit(".", 1)[-1]
                todo.extend(self.classes.get(name, ()))
        return False


def _waits_for_another_thread(events: List[Event]) -> bool:
    """Two acquires of the same lock with no release between (outside alternative arms): the
    second one waits for another thread to release it, so the lock is a signal here."""
    previous: Optional[Event] = None
    for event in events:
        if event.kind != EventKind.CALL:
            continue
        if event.detail == "release":
            previous = None
        elif previous is not None and not exclusive(previous, event):
            return True
        else:
            previous = event
    return False


def _passes_the_baton(key: str, events: List[Event], returns: List[Event], everything: List[Event]) -> bool:
    """`a.acquire()` ... `if last: b.release(); return` ... `a.release()`: a path returns with
    this lock held right after releasing another one. Hand-written barriers and turnstiles pass
    locks between threads like this on purpose."""
    acquires = [e for e in events if e.kind == EventKind.CALL and e.detail == "acquire"]
    releases = [e for e in events if e.kind == EventKind.CALL and e.detail == "release"]
    if not acquires or not releases:
        return False
    first, last = acquires[0].order, releases[-1].order
    for ret in returns:
        if not first < ret.order < last:
            continue
        if any(
            e.kind == EventKind.CALL and e.detail == "release" and e.name != key and e.frames == ret.frames
            and first < e.order < ret.order
            for e in everything
        ):
            return True
    return False
