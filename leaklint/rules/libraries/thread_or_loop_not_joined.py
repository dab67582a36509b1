from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

import libcst as cst

from ...analysis.flow import Escape, Event, EventKind, Followed, TrackedValue, follow_each
from ...analysis.scopes import Scope
from ._endless import EndlessLoops
from ...matchers import keyword_map, method_self, positional, self_name
from ...policy import in_test_code
from ...rule import Rule
from ...types import Confidence, Invalid, Valid

KINDS = {
    "asyncio.new_event_loop": "loop",
    "asyncio.events.new_event_loop": "loop",
    "threading.Timer": "timer",
    "threading.Thread": "thread",
}
# what ends each kind's life, called on the object
ENDERS = {"loop": frozenset({"close"}), "timer": frozenset({"cancel", "join"}), "thread": frozenset({"join"})}
# where a created value may go for the rule to stop following it (besides a call that owns it)
PASSED_ON = frozenset({Escape.RETURN, Escape.STORE, Escape.STORE_SELF})
ENDER_METHODS = frozenset({"close", "cancel", "join", "setDaemon"})
STORE_METHODS = frozenset({"append", "add", "insert", "extend", "appendleft", "setdefault", "put", "put_nowait", "enter_context", "callback", "push"})
OWNING_CALLS = frozenset({"contextlib.closing", "atexit.register", "weakref.finalize"})
NON_OWNING = frozenset({"print", "len", "id", "isinstance", "type", "repr", "str", "bool", "hash", "getattr", "hasattr", "setattr"})


@dataclass(frozen=True)
class ThreadOptions:
    all_forms: bool = field(
        default=False,
        metadata={"form": True, "help": "Report every form (a loop or timer in a function, an endless thread never joined, test code), not only the objects that keep themselves alive: a thread running a bound method until its object is stopped, an event loop kept on an object and never closed."},
    )


@dataclass
class _Creation:
    node: cst.Call
    kind: str
    scope: Scope
    daemon: bool = False
    target: str = ""  # name of the thread's target function or method
    short: bool = False  # a timer with a literal interval of at most a second
    bound: str = ""  # the class whose instance the target is a bound method of (`target=self._loop`)
    on_self: bool = False  # stored on the instance: `self.loop = asyncio.new_event_loop()`


CONSTRUCTORS = frozenset({"__init__", "__new__", "__post_init__"})


def _constructing(scope: Optional[Scope]) -> bool:
    """`scope` is (inside) a constructor: code that runs once for every object made."""
    while scope is not None and scope.is_function:
        if isinstance(scope.node, cst.FunctionDef) and scope.node.name.value in CONSTRUCTORS:
            return True
        scope = scope.parent
    return False


class ThreadOrLoopNotJoined(Rule):
    """
    ## What it does
    Checks for functions that create an `asyncio.new_event_loop()` and never `close()` it,
    start a `threading.Timer` and never `cancel()` it, or start a non-daemon
    `threading.Thread` that runs until stopped and never `join()` it, and do not hand the object to anyone who could
    (return it, store it on an object or in a container, pass it to a function of the same
    module).

    ## Why is this bad?
    An event loop owns a selector and a self-pipe (three file descriptors on Linux), its
    default executor's threads and every callback and task still scheduled on it; an unclosed
    loop keeps all of that until the garbage collector finalizes it, with a ResourceWarning.
    A started thread keeps its stack and everything its target and arguments reference until
    it ends: a `Timer` started per request and never cancelled lives for its full interval
    after the work it guards finished, so under load the process accumulates one sleeping
    thread per request. A non-daemon thread that is neither joined nor stored cannot be waited
    for or stopped, and if it never ends it also blocks interpreter exit.

    ## Known problems
    On by default in two forms only, objects that keep themselves alive, outside test code and
    in classes the project's lifetime model does not show to be made once (or to run the
    creating method once per process):
    - a thread started by the constructor (`__init__`) whose target is a bound method of the
      object (`target=self._loop`) that loops until the object is stopped (`while not
      self._shutdown:`, or `while True:` without a way out). It is reported even when a
      `shutdown()` joins it: the thread keeps the object alive through the bound method, so an
      object its user drops without calling `shutdown()` is never collected and the thread
      never ends. Targets that are static or class methods (given a weak reference) are not
      reported, nor is a thread started by a method that itself runs until stopped
      (`serve_forever()`: its own frame holds the object as long);
    - an event loop kept on the object (`self.loop = asyncio.new_event_loop()`) that the module
      never closes: one loop, selector and self-pipe per object made.

    Measured: on the ecosystem corpus (20 projects and the 3.11 standard library) the default
    forms make no finding (the opt-in forms made 3, none real: a loop handed to tornado's
    `IOLoop(asyncio_loop=...)`, which closes it, a loop in a test helper run in a short-lived
    child process, and `multiprocessing.managers.Server.serve_forever`'s accepter thread); on
    the fresh sample (bench/fresh) 2, neither real (sanic's interactive console, made once per
    process, which the lifetime model cannot place); on the leak-fix corpus (bench/leakfixes)
    they find all three library fixes (asyncua's per-client `ThreadLoop` loop never closed,
    more-executors' poll and timeout threads holding their executors), every fixed version
    clean. Every other form (a loop or timer of a plain function, an endless non-daemon thread
    never joined, a bound-method thread started by a later `start()` call, test code) needs
    `all-forms = true` in `[tool.leaklint.thread-or-loop-not-joined]`.

    In those forms: a loop stored in a module global by one function (`global loop`) and
    closed by another (`teardown()`) is still reported: the rule does not follow globals across
    functions. Threads are reported only when their target runs until stopped
    (`serve_forever`, `run_forever`, or a function of the module with a `while True:` loop): a
    thread that ends by itself frees what it holds when it ends. Timers with a literal interval
    of a second or less are delayed calls, not reported. Objects stored on `self` count as
    handled when the module calls `close()` / `cancel()` / `join()` on an attribute of that
    name somewhere. Subclasses of `threading.Thread` are not followed.

    ## Fix safety
    There is no automatic fix. Close the loop in a `finally` (or use `asyncio.run()` /
    `asyncio.Runner`, which close it), cancel the timer once the guarded work is done, join the
    thread (or use `concurrent.futures.ThreadPoolExecutor`).

    ## References
    - [asyncio.new_event_loop](https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.new_event_loop)
    - [loop.close](https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.close)
    - [threading.Timer.cancel](https://docs.python.org/3/library/threading.html#threading.Timer.cancel)
    - [threading.Thread.join](https://docs.python.org/3/library/threading.html#threading.Thread.join)
    """

    code = "LL603"
    default_enabled = True
    Options = ThreadOptions
    name = "thread-or-loop-not-joined"
    message = "this non-daemon thread runs until it is stopped and is never joined or stored, so nothing can stop it: every call leaves one more thread with its stack and everything its target references"
    loop_message = "asyncio.new_event_loop() creates a loop that is never closed: its file descriptors, executor threads and pending callbacks stay alive until the garbage collector finalizes it"
    timer_message = "this threading.Timer is started and never cancelled: its thread, stack and arguments stay alive for the full interval after the work it guards is done"
    owner_message = "the thread runs self.{target}, a bound method that keeps this object alive while the thread runs, and the loop in {target} runs until the object is told to stop: an object dropped without being shut down is never collected and its thread never ends (hand the thread a weakref to the object instead)"
    confidence = Confidence.HIGH
    triggers = ("new_event_loop", "Timer", "Thread")
    requires = (EndlessLoops,)
    fix_title = "Close the loop, cancel the timer, join the thread (in a finally), or hand it to an owner"

    VALID = [
        Valid(
            """
            import asyncio

            def run(coro):
                loop = asyncio.new_event_loop()
                try:
                    return loop.run_until_complete(coro)
                finally:
                    loop.close()
            """,
            id="loop-closed",
        ),
        Valid(
            """
            import asyncio
            import contextlib

            def run(coro):
                with contextlib.closing(asyncio.new_event_loop()) as loop:
                    return loop.run_until_complete(coro)

            def make_loop():
                loop = asyncio.new_event_loop()
                loop.set_debug(True)
                return loop
            """,
            id="loop-closing-or-returned",
        ),
        Valid(
            """
            import asyncio

            class Service:
                def __init__(self):
                    self._loop = asyncio.new_event_loop()

                def close(self):
                    loop = self._loop
                    self._loop = None
                    loop.close()
            """,
            id="loop-owned-and-closed-by-its-object",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import threading

            class Poller:
                def __init__(self):
                    self._shutdown = False
                    self._thread = threading.Thread(target=self._loop, daemon=True)  # LL603
                    self._thread.start()

                def _loop(self):
                    while not self._shutdown:
                        self.poll()

                def shutdown(self):
                    self._shutdown = True
                    self._thread.join()
            """,
            id="thread-target-bound-method-keeps-owner",
            message_contains="never collected",
        ),
        Invalid(
            """
            import asyncio

            def fetch(coro):
                loop = asyncio.new_event_loop()  # LL603
                asyncio.set_event_loop(loop)
                return loop.run_until_complete(coro)

            def fetch_again(coro):
                return asyncio.new_event_loop().run_until_complete(coro)  # LL603
            """,
            id="loop-never-closed",
            message_contains="never closed",
            options={"all-forms": True},
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._creations: List[_Creation] = []
        self._callnames: Dict[int, str] = {}  # id(Call) -> qualified name, for the flow walker
        self._owning: Set[int] = set()  # calls that may keep, close or join what they are given
        self._attrs_ended: Dict[str, Set[str]] = {}  # attribute name -> methods called on it

    def _scope(self) -> Scope:
        scope = self.context.function_scope
        if scope is None:
            assert self.context.module_scope is not None
            return self.context.module_scope
        return scope

    def _kind(self, node: cst.BaseExpression) -> Optional[str]:
        if isinstance(node, cst.Call):
            return KINDS.get(self.context.qualified_name(node.func) or "")
        return None

    def _owns(self, call: cst.Call) -> bool:
        """A call that may keep, close or join what it is given: a store method, a method of
        `self`, a function of this module (or an unknown name), `closing` / `atexit.register`.
        A helper named for an ending (`join_thread(t)`) ends the value instead."""
        func = call.func
        if _helper_words(call):
            return False
        if isinstance(func, cst.Attribute):
            owner = func.value
            if func.attr.value in STORE_METHODS or (isinstance(owner, cst.Name) and owner.value in ("self", "cls")):
                return True
        elif isinstance(func, cst.Name):
            if self.context.qualified_name(func) is None and func.value not in NON_OWNING:
                return True
        return self.context.qualified_name(func) in OWNING_CALLS

    # ------------------------------------------------------------------ visitors
    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        qualified = ctx.call_name(node)
        if qualified is not None:
            self._callnames[id(node)] = qualified
        owning = self._owns(node)
        if owning:
            self._owning.add(id(node))
        kind = self._kind(node)
        if kind is not None:
            if self._scope().kind == "module" and not ctx.in_loop:
                return
            self._creations.append(self._creation(node, kind))
            return
        # what the module does with attributes (`self._thread.join()`, `close_loop(self.loop)`)
        func = node.func
        if isinstance(func, cst.Attribute) and (func.attr.value in ENDER_METHODS or func.attr.value == "start"):
            self._attribute_ended(func.value, func.attr.value)
        helper = _helper_words(node)
        for value in positional(node):
            if isinstance(value, cst.Attribute):
                # `addCleanup(loop.close)`, `atexit.register(self.timer.cancel)`
                if value.attr.value in ENDER_METHODS:
                    self._attribute_ended(value.value, value.attr.value)
                elif owning or helper:
                    self._attrs_ended.setdefault(value.attr.value, set()).update(helper or {"handed"})

    def _creation(self, node: cst.Call, kind: str) -> _Creation:
        ctx = self.context
        daemon = keyword_map(node).get("daemon")
        creation = _Creation(node, kind, self._scope(), daemon is not None and not _false(daemon))
        if kind == "thread":
            target = keyword_map(node).get("target")
            if isinstance(target, cst.Name):
                creation.target = target.value
            elif isinstance(target, cst.Attribute):
                creation.target = target.attr.value
                me = self_name(ctx)
                cls = ctx.method_class() if me else None
                if me and cls is not None and isinstance(target.value, cst.Name) and target.value.value == me:
                    creation.bound = cls.name
        elif kind == "timer":
            args = positional(node)
            interval = args[0] if args else keyword_map(node).get("interval")
            if isinstance(interval, (cst.Integer, cst.Float)):
                creation.short = float(interval.value.replace("_", "")) <= 1.0
        return creation

    def _attribute_ended(self, owner: cst.BaseExpression, method: str) -> None:
        """`self._loop.close()`, or `loop = self._loop` ... `loop.close()`: the attribute ends."""
        if isinstance(owner, cst.Name):
            binding = self.context.binding(owner.value)
            owner = binding.value if binding is not None and isinstance(binding.value, cst.Attribute) else owner
        if isinstance(owner, cst.Attribute):
            self._attrs_ended.setdefault(owner.attr.value, set()).add(method)

    def visit_Assign(self, node: cst.Assign) -> None:
        # `self._thread.daemon = True`: an attribute's thread made a daemon
        for target in node.targets:
            t = target.target
            if isinstance(t, cst.Attribute) and t.attr.value == "daemon" and isinstance(t.value, cst.Attribute) and not _false(node.value):
                self._attrs_ended.setdefault(t.value.attr.value, set()).add("setDaemon")

    # ------------------------------------------------------------------ decision
    def leave_Module(self, node: cst.Module) -> None:
        spec = TrackedValue(ENDERS, PASSED_ON, lambda call: id(call) in self._owning)
        made = [(c.scope, c.node, c.kind) for c in self._creations]
        followed = follow_each(spec, made, self._callnames, lambda scope: method_self(self.context, scope))
        for creation in self._creations:
            if creation.bound and (creation.bound, creation.target) in self.fact(EndlessLoops).owner_loops and not in_test_code(self.context, creation.scope):
                # the thread keeps its owner alive through the bound method for as long as it
                # runs, and it runs until the owner is told to stop: join() in a shutdown method
                # does not help an owner that is dropped without calling it
                if self._creator_blocks(creation):
                    continue
                if self.options.all_forms:
                    self.report(creation.node, message=self.owner_message, target=creation.target)
                elif _constructing(creation.scope):
                    # started by the constructor: every object made is pinned from birth. A
                    # thread started by a later call (`start()`, `serve()`) comes with its own
                    # stop call, which its users make: all-forms
                    confidence = self._default_form(creation)
                    if confidence is not None:
                        self.report(creation.node, message=self.owner_message, confidence=confidence, target=creation.target)
                continue
            if creation.short or (creation.kind == "thread" and creation.target not in self.fact(EndlessLoops).forever):
                continue  # a thread that ends by itself is not held on to
            value = followed[id(creation.node)]
            if self._handled(creation, value):
                continue
            self._emit(creation, value)

    def _handled(self, creation: _Creation, value: Followed) -> bool:
        """Ended, handed to an owner, or never started: nothing left running unowned."""
        attr = next((a for a in map(_stored_attribute, value.events) if a is not None), None)
        if attr is not None:  # judged by what the module does with the attribute
            ended = self._attrs_ended.get(attr, set())
            if ended & {*ENDERS[creation.kind], "handed"}:
                return True
            if creation.kind != "loop" and "start" not in ended:
                return True
            return creation.kind == "thread" and (creation.daemon or "setDaemon" in ended)
        if value.passed_on() or value.entered() or value.released():
            return True
        methods = value.methods()
        if creation.kind != "loop" and "start" not in methods:
            return True
        return creation.kind == "thread" and (creation.daemon or "setDaemon" in methods or any(map(_daemon_set, value.events)))

    def _creator_blocks(self, creation: _Creation) -> bool:
        """The method that starts the thread runs until stopped itself (`serve_forever()`, a
        `while True:` or a loop on a flag of the object): its own frame holds the object for as
        long as the thread does, so the thread pins nothing more."""
        node = creation.scope.node
        if not isinstance(node, cst.FunctionDef):
            return False
        name = node.name.value
        return name in self.fact(EndlessLoops).forever or (creation.bound, name) in self.fact(EndlessLoops).owner_loops

    def _default_form(self, creation: _Creation) -> Optional[Confidence]:
        """Whether a finding is in the form reported by default, and at what confidence: an
        object that keeps itself alive (a thread running its bound method until it is stopped,
        an event loop it keeps and never closes), outside test code, in a class the project's
        lifetime model does not show to be made once. Other forms need `all-forms`."""
        if in_test_code(self.context, creation.scope):
            return None
        method = creation.scope
        cls = method.parent if method is not None else None
        if method is None or not method.is_function or cls is None or cls.kind != "class":
            return None  # a function's own loop or thread: all-forms
        project = self.context.project
        if project is None:
            return Confidence.MEDIUM
        module = self.context.module
        prefix = f"{module}." if module else ""
        instances = project.class_multiplicity(prefix + cls.qualname).value
        runs = project.scope_multiplicity(module, method.qualname).value
        if "once" in (instances, runs):
            return None  # one object per process: what it keeps is kept once
        return Confidence.HIGH if "repeated" in (instances, runs) else Confidence.MEDIUM

    def _emit(self, creation: _Creation, value: Followed) -> None:
        if not self.options.all_forms:
            on_self = any(e.kind is EventKind.SELF_STORE and e.node is creation.node for e in value.events)
            if creation.kind != "loop" or not on_self:
                return
            confidence = self._default_form(creation)
            if confidence is not None:
                self.report(creation.node, message=self.loop_message, confidence=confidence)
            return
        if creation.kind == "loop":
            self.report(creation.node, message=self.loop_message)
        elif creation.kind == "timer":
            self.report(creation.node, message=self.timer_message)
        else:
            self.report(creation.node)


def _false(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) and value.value == "False"


def _helper_words(call: cst.Call) -> Set[str]:
    """`join_thread(t)`, `close_loop(self.loop)`: the endings a helper is named for."""
    func = call.func
    callee = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return {m for words in ENDERS.values() for m in words if m in callee.lower()}


def _stored_attribute(event: Event) -> Optional[str]:
    """`self._loop = asyncio.new_event_loop()`, `obj.timer = Timer(...)`: the attribute the
    created value is stored in."""
    statement = event.statement
    if event.name.startswith("#") and event.escape in (Escape.STORE, Escape.STORE_SELF) and isinstance(statement, (cst.Assign, cst.AnnAssign)):
        targets = [t.target for t in statement.targets] if isinstance(statement, cst.Assign) else [statement.target]
        for target in targets:
            if isinstance(target, cst.Attribute):
                return target.attr.value
    return None


def _daemon_set(event: Event) -> bool:
    """`t.daemon = True` (any value but False)."""
    statement = event.statement
    return isinstance(statement, cst.Assign) and not _false(statement.value) and any(
        isinstance(t.target, cst.Attribute) and t.target.value is event.node and t.target.attr.value == "daemon"
        for t in statement.targets
    )
