from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import target_names
from ...analysis.scopes import Scope
from ...matchers import is_instance_method, keyword_map, positional, self_name
from ...policy import in_test_code
from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from ...traverse import children

KINDS = {
    "asyncio.new_event_loop": "loop",
    "asyncio.events.new_event_loop": "loop",
    "threading.Timer": "timer",
    "threading.Thread": "thread",
}
# what ends each kind's life, called on the object
ENDERS = {"loop": ("close",), "timer": ("cancel", "join"), "thread": ("join",)}
# thread targets known to run until stopped
FOREVER_METHODS = frozenset({"serve_forever", "run_forever"})
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


@dataclass
class _Unit:
    ended: Dict[str, Set[str]] = field(default_factory=dict)  # name -> methods called on it
    escaped: Set[str] = field(default_factory=set)
    daemon: Set[str] = field(default_factory=set)
    aliases: Dict[str, str] = field(default_factory=dict)  # local name -> attribute it was read from


CONSTRUCTORS = frozenset({"__init__", "__new__", "__post_init__"})


def _constructing(scope: Optional[Scope]) -> bool:
    """`scope` is (inside) a constructor: code that runs once for every object made."""
    while scope is not None and scope.is_function:
        if isinstance(scope.node, cst.FunctionDef) and scope.node.name.value in CONSTRUCTORS:
            return True
        scope = scope.parent
    return False


def _leaves(body: cst.CSTNode) -> bool:
    """Whether a loop body can leave its loop: a `return` or `raise` anywhere (outside nested
    defs), or a `break` that belongs to it (not one of a nested loop)."""
    stack: List[Tuple[cst.CSTNode, bool]] = [(body, False)]
    while stack:
        current, nested = stack.pop()
        if isinstance(current, (cst.Return, cst.Raise)):
            return True
        if isinstance(current, cst.Break) and not nested:
            return True
        if isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        inner = nested or isinstance(current, (cst.For, cst.While))
        stack.extend((child, inner) for child in children(current))
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
        self._units: Dict[int, _Unit] = {}
        self._names: Dict[int, Set[str]] = {}  # creation call -> local names bound to it
        self._attrs: Dict[int, str] = {}  # creation call -> attribute name it was stored in
        self._handed: Set[int] = set()
        self._started: Set[int] = set()
        self._attrs_ended: Dict[str, Set[str]] = {}  # attribute name -> methods called on it
        self._forever: Set[str] = set(FOREVER_METHODS)  # defs that loop until stopped
        # (class, method): instance methods whose loop runs until stopped (`while True:` that
        # never leaves, or `while not self._shutdown:` that ends only when another call sets it)
        self._owner_loops: Set[Tuple[str, str]] = set()
        self._tries: List[int] = [0]  # try/except blocks around the current point, per function
        self._on_self: Set[int] = set()  # creation calls stored on `self`

    def _scope(self) -> Scope:
        scope = self.context.function_scope
        if scope is None:
            assert self.context.module_scope is not None
            return self.context.module_scope
        return scope

    def _unit(self) -> Optional[_Unit]:
        scope = self._scope()
        unit = self._units.get(id(scope))
        if unit is None:
            unit = self._units[id(scope)] = _Unit()
        return unit

    def _kind(self, node: cst.BaseExpression) -> Optional[str]:
        if isinstance(node, cst.Call):
            return KINDS.get(self.context.qualified_name(node.func) or "")
        return None

    # ------------------------------------------------------------------ visitors
    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        kind = self._kind(node)
        if kind is not None:
            if self._scope().kind == "module" and not ctx.in_loop:
                return
            daemon = False
            value = keyword_map(node).get("daemon")
            if value is not None and not (isinstance(value, cst.Name) and value.value == "False"):
                daemon = True
            creation = _Creation(node, kind, self._scope(), daemon)
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
            self._creations.append(creation)
            return
        func = node.func
        unit = self._unit()
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            owner = func.value
            if isinstance(owner, cst.Call) and self._kind(owner) is not None and method == "start":
                self._started.add(id(owner))
            if method in ENDER_METHODS or method == "start":
                self._ended(owner, method, unit)
                if method == "setDaemon" and isinstance(owner, cst.Name) and unit is not None:
                    unit.daemon.add(owner.value)
            owning = method in STORE_METHODS or (isinstance(owner, cst.Name) and owner.value in ("self", "cls"))
        elif isinstance(func, cst.Name):
            name = ctx.qualified_name(func)
            owning = (name is None and func.value not in NON_OWNING) or name in OWNING_CALLS
        else:
            owning = False
        if not owning and ctx.qualified_name(func) in OWNING_CALLS:
            owning = True
        # `join_thread(t)`, `close_loop(self.loop)`: a helper named for what it does
        callee = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        helper = {m for words in ENDERS.values() for m in words if m in callee.lower()}
        for value in positional(node):
            if isinstance(value, cst.Attribute):
                # `addCleanup(loop.close)`, `atexit.register(self.timer.cancel)`
                if value.attr.value in ENDER_METHODS:
                    self._ended(value.value, value.attr.value, unit)
                elif owning or helper:
                    self._attrs_ended.setdefault(value.attr.value, set()).update(helper or {"handed"})
            elif isinstance(value, cst.Name) and unit is not None:
                if helper:
                    unit.ended.setdefault(value.value, set()).update(helper)
                elif owning:
                    unit.escaped.add(value.value)
            if owning and self._kind(value) is not None:
                self._handed.add(id(value))

    def _ended(self, owner: cst.BaseExpression, method: str, unit: Optional[_Unit]) -> None:
        if isinstance(owner, cst.Name) and unit is not None:
            unit.ended.setdefault(owner.value, set()).add(method)
            alias = unit.aliases.get(owner.value)
            if alias:
                self._attrs_ended.setdefault(alias, set()).add(method)
        elif isinstance(owner, cst.Attribute):
            self._attrs_ended.setdefault(owner.attr.value, set()).add(method)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        unit = self._unit()
        if self._kind(value) is not None:
            if isinstance(target, cst.Attribute):
                self._attrs[id(value)] = target.attr.value
                me = self_name(self.context)
                if me and isinstance(target.value, cst.Name) and target.value.value == me:
                    self._on_self.add(id(value))
            elif isinstance(target, cst.Subscript):
                self._handed.add(id(value))
            else:
                self._names.setdefault(id(value), set()).update(target_names(target))
            return
        if unit is None:
            return
        if isinstance(target, cst.Attribute):
            if target.attr.value == "daemon":
                if not (isinstance(value, cst.Name) and value.value == "False"):
                    if isinstance(target.value, cst.Name):
                        unit.daemon.add(target.value.value)
                    elif isinstance(target.value, cst.Attribute):
                        self._attrs_ended.setdefault(target.value.attr.value, set()).add("setDaemon")
                return
            if isinstance(value, cst.Name):
                unit.escaped.add(value.value)
        elif isinstance(target, cst.Subscript):
            if isinstance(value, cst.Name):
                unit.escaped.add(value.value)
        elif isinstance(target, cst.Name) and isinstance(value, cst.Attribute):
            unit.aliases[target.value] = value.attr.value

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)

    def _escape(self, value: Optional[cst.BaseExpression]) -> None:
        unit = self._unit()
        if value is None or unit is None:
            return
        stack: List[cst.CSTNode] = [value]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.Name):
                unit.escaped.add(current.value)
            elif self._kind(current) is not None:  # type: ignore[arg-type]
                self._handed.add(id(current))
            if isinstance(current, cst.Call):
                # `return loop.run_until_complete(c)` returns the result, not the receiver
                stack.extend(arg.value for arg in current.args)
                continue
            stack.extend(children(current))

    def visit_Return(self, node: cst.Return) -> None:
        self._escape(node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.BaseExpression):
            self._escape(node.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._tries.append(0)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._tries.pop()

    def visit_Try(self, node: cst.Try) -> None:
        if node.handlers:
            self._tries[-1] += 1

    def leave_Try(self, node: cst.Try) -> None:
        if node.handlers:
            self._tries[-1] -= 1

    def visit_While(self, node: cst.While) -> None:
        self._owner_loop(node)
        test = node.test
        if not ((isinstance(test, cst.Name) and test.value == "True") or (isinstance(test, cst.Integer) and test.value == "1")):
            return
        scope = self.context.function_scope
        if scope is None or not isinstance(scope.node, cst.FunctionDef) or self._tries[-1]:
            return  # a loop inside try/except can end by an exception
        if not _leaves(node.body):
            self._forever.add(scope.node.name.value)

    def _owner_loop(self, node: cst.While) -> None:
        ctx = self.context
        scope = ctx.function_scope
        if scope is None or scope is not ctx.scope or not isinstance(scope.node, cst.FunctionDef):
            return
        cls = scope.parent
        if cls is None or cls.kind != "class" or not is_instance_method(ctx, scope.node, cls):
            return
        me = self_name(ctx)
        test = node.test
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test = test.expression
        forever = (isinstance(test, cst.Name) and test.value == "True") or (isinstance(test, cst.Integer) and test.value == "1")
        flag = isinstance(test, cst.Attribute) and isinstance(test.value, cst.Name) and test.value.value == me
        if flag or (forever and not _leaves(node.body)):
            self._owner_loops.add((cls.name, scope.node.name.value))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if self._kind(node.item) is not None:
            self._handed.add(id(node.item))

    # ------------------------------------------------------------------ decision
    def leave_Module(self, node: cst.Module) -> None:
        for creation in self._creations:
            key = id(creation.node)
            if creation.bound and (creation.bound, creation.target) in self._owner_loops and not in_test_code(self.context, creation.scope):
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
            if key in self._handed or creation.short:
                continue
            if creation.kind == "thread" and creation.target not in self._forever:
                continue  # a thread that ends by itself is not held on to
            enders = ENDERS[creation.kind]
            attr = self._attrs.get(key)
            if attr is not None:
                if self._attrs_ended.get(attr, set()) & {*enders, "handed"}:
                    continue
                if creation.kind != "loop" and "start" not in self._attrs_ended.get(attr, set()):
                    continue
                if creation.kind == "thread" and (creation.daemon or "setDaemon" in self._attrs_ended.get(attr, set())):
                    continue
                self._emit(creation)
                continue
            unit = self._units.get(id(creation.scope)) or _Unit()
            names = self._names.get(key, set())
            if names & unit.escaped:
                continue
            methods: Set[str] = set()
            for name in names:
                methods |= unit.ended.get(name, set())
            if methods & set(enders):
                continue
            if creation.kind != "loop" and key not in self._started and "start" not in methods:
                continue
            if creation.kind == "thread" and (creation.daemon or names & unit.daemon):
                continue
            self._emit(creation)

    def _creator_blocks(self, creation: _Creation) -> bool:
        """The method that starts the thread runs until stopped itself (`serve_forever()`, a
        `while True:` or a loop on a flag of the object): its own frame holds the object for as
        long as the thread does, so the thread pins nothing more."""
        node = creation.scope.node
        if not isinstance(node, cst.FunctionDef):
            return False
        name = node.name.value
        return name in self._forever or (creation.bound, name) in self._owner_loops

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

    def _emit(self, creation: _Creation) -> None:
        if not self.options.all_forms:
            if creation.kind != "loop" or id(creation.node) not in self._on_self:
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
