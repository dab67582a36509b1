"""The flow walker: one walk over a function body that records, in source order and with the
if / try / loop / with arms each sits in, what happens to a few values of interest, as typed
events; and the shared queries over those events ("are these two events alternatives",
"is this release protected by finally", "does the release follow at once").

A rule asks for a walk with the names (or, for locks, the methods on dotted receivers) it
tracks and reads the events: `EventKind` says what happened (bound, bound to a resource,
released, a method called, handed over ...), and for a use of the value `Escape` says where
the value went (returned, stored, stored on self, handed to an owner, wrapped, consumed,
captured by a nested scope, merely used). `detail` keeps the finer reason (the method name,
"kept by a wrapper") that messages and the resource rules' judgement read.

A rule that follows values it sees created declares a `TrackedValue` spec (what releases the
value, which escapes end its interest, which calls take it over) and asks `follow` /
`follow_each` for a `Followed` per created value: one walk per function, the names each
value is bound to read from the scope layer's bindings with their values.

Used by LL401 (resource-not-closed), LL403 (sqlite-connection-not-closed-by-with), LL404
(lock-acquired-without-release), and through `TrackedValue` by LL601
(pyplot-figure-not-closed) and LL603 (thread-or-loop-not-joined); the closure family's
storage tracking does not use it yet.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence, Set, Tuple

import libcst as cst

from ..knowledge.resources import (
    ACCESSORS,
    BUILTIN_STORES,
    CONSUMER_METHODS,
    CONSUMERS,
    DATA_ATTRIBUTES,
    DERIVED_OWNERS,
    FILEOBJ_WRAPPERS,
    HANDOFF_FUNCTIONS,
    HANDOFF_METHODS,
    READ_TO_END,
    RELEASE_ALL,
    STORE_METHODS,
    STORE_PREFIXES,
    TASK_CALLABLES,
    CLOSEISH,
)
from ..policy import expects_failure, expects_failure_after, is_injected_double
from ..traverse import children
from .body import assigned_names, calls_under, inner_blocks, node_by_id
from .expr import dotted_name, positional, target_names


class EventKind(str, enum.Enum):
    """What happened to a tracked value. (A `str` enum: its values are the names the events
    had when they were plain strings.)"""

    BIND = "bind"  # the name is (re)bound to something that is not tracked
    BIND_RESOURCE = "bind_res"  # the name is bound to a resource (detail: the Resource)
    DEL = "del"  # `del name`
    USE = "use"  # read without leaving (detail: "iterated", "consumed" or None)
    ESCAPE = "escape"  # the value leaves the function's control (detail: how)
    RELEASE = "release"  # handed to a releasing function (`close(f)`, detail: its name)
    RELEASE_REF = "release_ref"  # a release method taken as a value (`atexit.register(f.close)`)
    METHOD = "method"  # a method called on it (detail: the method name, READ_TO_END)
    WITH = "with"  # used as a context manager
    SELF_STORE = "self_store"  # stored on `self.<attr>` (detail: attr)
    DIRECT_SELF_STORE = "direct_self_store"  # a resource created straight into `self.<attr>`
    CALL = "call"  # a watched method called on a dotted receiver (locks; detail: the method)
    RETURN = "return"  # a return statement (locks)

    def __str__(self) -> str:
        return self.value


class Escape(enum.Enum):
    """Where a value goes at a use: the one classification every escape question reads."""

    RETURN = "return"  # returned or yielded (also through a member it owns)
    STORE = "store"  # stored in a variable, container, attribute or registry
    STORE_SELF = "store_self"  # stored on `self.<attr>`: the object's lifetime
    HANDOFF = "handoff"  # given to an owner that releases it (`ExitStack.enter_context`, `closing`)
    WRAP = "wrap"  # kept by what a call returns or by a wrapper object
    CONSUME = "consume"  # read to completion by a call that keeps nothing (`json.load`)
    CAPTURE = "capture"  # mentioned by a nested function, lambda or class
    USE = "use"  # anything else: read here, stays here


# the reason an escape event gives -> where the value went
_ESCAPE_OF_DETAIL: Dict[Any, Escape] = {
    "returned": Escape.RETURN,
    "returned through a member": Escape.RETURN,
    "generator": Escape.RETURN,
    "stored": Escape.STORE,
    "container": Escape.STORE,
    "container in with": Escape.STORE,
    "released in a loop": Escape.STORE,
    "task": Escape.STORE,
    "collaborator injected": Escape.STORE,
    "handed to an owner": Escape.HANDOFF,
    "entered by hand": Escape.HANDOFF,
    "bound method handed over": Escape.HANDOFF,
    "container handed over": Escape.HANDOFF,
    "handed to a method of self": Escape.HANDOFF,
    "kept by a wrapper": Escape.WRAP,
    "kept by what the call returns": Escape.WRAP,
    "captured": Escape.CAPTURE,
}


def escape_of(kind: EventKind, detail: Any) -> Optional[Escape]:
    """The `Escape` class of an event about a use of the value (None for bindings, releases,
    method calls and the lock events)."""
    if kind is EventKind.ESCAPE:
        return _ESCAPE_OF_DETAIL.get(detail, Escape.STORE)
    if kind is EventKind.SELF_STORE or kind is EventKind.DIRECT_SELF_STORE:
        return Escape.STORE_SELF
    if kind is EventKind.USE:
        return Escape.CONSUME if detail == "consumed" else Escape.USE
    return None


def handler_arm(index: int) -> str:
    """The arm name of a try statement's `index`-th except handler in `Event.frames`."""
    return f"h{index}"


def is_handler_arm(arm: str) -> bool:
    return arm.startswith("h")


def closeish(name: str) -> bool:
    """A function name that reads as a release (`close_all`, `_cleanup`, `shutdown_pool`)."""
    lowered = name.lower()
    return any(word in lowered for word in CLOSEISH)


def _noop(small: cst.CSTNode) -> bool:
    """`pass`, `x: int`, a bare string: nothing runs, nothing raises."""
    if isinstance(small, cst.Pass):
        return True
    if isinstance(small, cst.AnnAssign) and small.value is None:
        return True
    if (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
        and (dotted_name(small.value) or isinstance(small.value, (cst.SimpleString, cst.Integer)))
    ):
        return True  # `path = tmp.name`: reading an attribute does not fail
    value = small.value if isinstance(small, (cst.Expr, cst.Assign)) else None
    if isinstance(small, cst.Assign) and not (len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)):
        value = None
    while isinstance(value, cst.Subscript):
        value = value.value  # `port = sock.getsockname()[1]`
    if isinstance(value, cst.Call):
        # `self.addCleanup(proc.stdout.close)`: registering a cleanup does not fail, nor does
        # `fd = sock.fileno()` / `sock.setblocking(False)`
        last = dotted_name(value.func).rsplit(".", 1)[-1]
        if isinstance(small, cst.Expr) and last in ("addCleanup", "callback"):
            return True
        if last in ACCESSORS and isinstance(value.func, cst.Attribute) and isinstance(value.func.value, cst.Name):
            return True
    return isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))


Frame = Tuple[str, int, str]  # (kind, id(node), arm)


@dataclass
class Event:
    """One thing that happened to a tracked value, in source order (`order`), with the arms it
    sits in (`frames`: (kind, id(node), arm) for every enclosing if / try / loop / with /
    match, arm "body", "else", "finally", "h<i>" for the i-th handler, "c<i>" for a case) and
    its statement's place in its block (`stmt`, `chain`)."""

    kind: EventKind
    name: str
    node: cst.CSTNode
    order: int
    frames: Tuple[Frame, ...]
    stmt: Tuple[int, int, int]  # (id of the block, index in it, statements in it)
    detail: Any = None
    statement: Optional[cst.CSTNode] = None
    # (block id, index, count, frames open at the block) for every enclosing block, outermost first
    chain: Tuple[Tuple[int, int, int, int], ...] = ()
    escape: Optional[Escape] = None  # where the value went, for the events about a use
    # for a value given straight to a call as one of its arguments: the call and the argument
    call: Optional[cst.Call] = None
    arg: Optional[cst.Arg] = None
    member: Optional[str] = None  # the attribute read from the value (`t.join`, `loop.close`)
    in_return: bool = False  # inside the value of a `return` or `yield` (`return cache[loop]`)

    @property
    def in_finally(self) -> bool:
        return any(arm == "finally" for _, _, arm in self.frames)

    def try_bodies(self) -> List[Tuple[int, int]]:
        """(position in frames, id) of the try statements whose body holds this event."""
        return [(i, ident) for i, (kind, ident, arm) in enumerate(self.frames) if kind == "try" and arm == "body"]

    @property
    def in_raises(self) -> bool:
        return any(kind == "raises" for kind, _, _ in self.frames)

    @property
    def in_handler(self) -> bool:
        return any(kind == "try" and is_handler_arm(arm) for kind, _, arm in self.frames)

    def loops(self) -> List[int]:
        return [ident for kind, ident, _ in self.frames if kind == "loop"]


def exclusive(a: Event, b: Event) -> bool:
    """Whether two events sit in alternative arms (if / else, try body / except, match cases)."""
    for fa, fb in zip(a.frames, b.frames):
        if fa == fb:
            continue
        if fa[0] == fb[0] and fa[1] == fb[1]:
            kind, arms = fa[0], {fa[2], fb[2]}
            if kind in ("if", "match"):
                return True
            if kind == "try":
                if "finally" in arms:
                    return False
                handlers = {a for a in arms if is_handler_arm(a)}
                return bool(handlers)
        return False
    return False


_CONTAINERS = (cst.Tuple, cst.List, cst.Set, cst.Dict)
_ELEMENTS = (cst.Element, cst.DictElement, cst.StarredElement, cst.StarredDictElement)


def swallows(node: Any) -> bool:
    """A try with a handler for every exception (bare, `Exception`, `BaseException`) whose
    body neither raises nor leaves the function."""
    for handler in node.handlers:
        kind = handler.type
        names = []
        if kind is None:
            names = ["BaseException"]
        elif isinstance(kind, cst.Tuple):
            names = [dotted_name(e.value) for e in kind.elements]
        else:
            names = [dotted_name(kind)]
        if not any(n in ("Exception", "BaseException") for n in names):
            continue
        body = getattr(handler.body, "body", ())
        leaves = False
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine):
                leaves = True  # anything more than simple statements: do not guess
                break
            if any(isinstance(small, (cst.Raise, cst.Return, cst.Break, cst.Continue)) for small in statement.body):
                leaves = True
                break
        if not leaves:
            return True
    return False


class FlowWalker:
    """Walks one function body and records events for `names` (plain local names) and for
    method calls named in `methods` on any dotted receiver (`self._lock.acquire()`)."""

    def __init__(
        self,
        names: Set[str],
        resources: Dict[int, Any],  # id(Call) -> the resource (rules.resources._common.Resource) it makes
        callnames: Dict[int, str],
        self_name: Optional[str] = None,
        methods: FrozenSet[str] = frozenset(),
        borrows: Optional[Callable[[cst.Call, cst.Arg], Optional[str]]] = None,
        values: Optional[Dict[int, str]] = None,
        members: bool = False,
    ) -> None:
        self.names = set(names)
        # expressions followed where they stand (id -> the name their events carry): a value
        # never bound to a name (`Thread(target=f).start()`, `return plt.figure()`)
        self.values: Dict[int, str] = dict(values or {})
        # a member of a followed value (`fig.axes[0]`, `fig.add_subplot()`) goes where the value
        # goes: the outermost member expression is classified instead of the value
        self.members = members
        self._argument: Optional[Tuple[cst.Call, cst.Arg]] = None
        self._member: Optional[str] = None
        # a callee that only reads the argument (analysis.borrow): the caller keeps ownership
        self.borrows = borrows
        self.resources = resources
        self.callnames = callnames
        self.self_name = self_name
        self.methods = methods
        self.events: List[Event] = []
        self.stack: List[cst.CSTNode] = []
        self.frames: List[Frame] = []
        self.stmt: Tuple[int, int, int] = (0, 0, 0)
        self.statement: Optional[cst.CSTNode] = None
        self.chain: List[Tuple[int, int, int, int]] = []
        self.nested = 0
        self.order = 0
        self.nonlocal_names: Set[str] = set()
        self.swallowing: Set[int] = set()  # try statements whose handler swallows everything
        self.plain_tries: Set[int] = set()  # try statements without else and finally

    # ------------------------------------------------------------------ events
    def _emit(self, kind: EventKind, name: str, node: cst.CSTNode, detail: Any = None) -> None:
        self.order += 1
        call, arg = self._argument if self._argument is not None else (None, None)
        member, self._argument, self._member = self._member, None, None
        self.events.append(
            Event(
                kind, name, node, self.order, tuple(self.frames), self.stmt, detail, self.statement,
                tuple(self.chain), escape_of(kind, detail), call, arg, member,
                any(type(n) is cst.Return or type(n) is cst.Yield for n in self.stack),
            )
        )

    def run(self, body: cst.CSTNode) -> List[Event]:
        self._walk(body)
        return self.events

    # ------------------------------------------------------------------ walking
    def _walk(self, node: cst.CSTNode) -> None:
        method = getattr(self, f"_w_{type(node).__name__}", None)
        if method is not None:
            method(node)
            return
        self._generic(node)

    def _generic(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            self._on_name(node)
            return
        self.stack.append(node)
        try:
            for child in children(node):
                self._walk(child)
        finally:
            self.stack.pop()

    def _child(self, parent: cst.CSTNode, child: Optional[cst.CSTNode], frame: Optional[Frame] = None) -> None:
        if child is None:
            return
        self.stack.append(parent)
        if frame is not None:
            self.frames.append(frame)
        try:
            self._walk(child)
        finally:
            if frame is not None:
                self.frames.pop()
            self.stack.pop()

    # blocks: number the statements so "the next statement" can be asked
    def _block(self, node: cst.CSTNode, body: Sequence[cst.CSTNode]) -> None:
        self.stack.append(node)
        index = 0
        count = sum(
            sum(1 for small in st.body if not _noop(small)) if isinstance(st, cst.SimpleStatementLine) else 1
            for st in body
        )
        saved = (self.stmt, self.statement)
        self.chain.append((id(node), 0, count, len(self.frames)))
        try:
            for statement in body:
                smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else [statement]
                if isinstance(statement, cst.SimpleStatementLine):
                    self.stack.append(statement)
                for small in smalls:
                    # a no-op (`pass`, `x: int`, `self.addCleanup(...)`) shares the index of the
                    # statement after it: "the next statement" skips over it
                    self.stmt = (id(node), index, count)
                    self.chain[-1] = (id(node), index, count, len(self.frames))
                    self.statement = small
                    if not _noop(small):
                        index += 1
                    self._walk(small)
                if isinstance(statement, cst.SimpleStatementLine):
                    self.stack.pop()
        finally:
            self.chain.pop()
            self.stmt, self.statement = saved
            self.stack.pop()

    def _w_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._block(node, node.body)

    def _w_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._block(node, node.body)

    def _w_Module(self, node: cst.Module) -> None:
        self._block(node, node.body)

    # compound statements: arms
    def _w_If(self, node: cst.If) -> None:
        self._child(node, node.test)
        self._child(node, node.body, ("if", id(node), "body"))
        self._child(node, node.orelse, ("if", id(node), "else"))

    def _w_Else(self, node: cst.Else) -> None:
        self._child(node, node.body)

    def _try(self, node: Any) -> None:
        if swallows(node):
            self.swallowing.add(id(node))
        if node.orelse is None and node.finalbody is None and node.handlers:
            self.plain_tries.add(id(node))
        if expects_failure_after(node):
            self.frames.append(("raises", id(node), "body"))
            try:
                self._child(node, node.body, ("try", id(node), "body"))
            finally:
                self.frames.pop()
        else:
            self._child(node, node.body, ("try", id(node), "body"))
        for i, handler in enumerate(node.handlers):
            self.frames.append(("try", id(node), handler_arm(i)))
            self.stack.append(node)
            try:
                self._handler(handler)
            finally:
                self.stack.pop()
                self.frames.pop()
        self._child(node, node.orelse, ("try", id(node), "else"))
        self._child(node, node.finalbody, ("try", id(node), "finally"))

    def _w_Try(self, node: cst.Try) -> None:
        self._try(node)

    def _w_TryStar(self, node: Any) -> None:
        self._try(node)

    def _handler(self, handler: Any) -> None:
        self.stack.append(handler)
        try:
            if handler.type is not None:
                self._walk(handler.type)
            if handler.name is not None:
                self._bind_target(handler.name.name, None, handler)
            self._walk(handler.body)
        finally:
            self.stack.pop()

    def _w_For(self, node: cst.For) -> None:
        self._child(node, node.iter)
        loop = ("loop", id(node), "body")
        self.frames.append(loop)
        try:
            self._bind_target(node.target, None, node)
            self._child(node, node.body)
        finally:
            self.frames.pop()
        self._child(node, node.orelse, ("loopelse", id(node), "else"))

    def _w_While(self, node: cst.While) -> None:
        loop = ("loop", id(node), "body")
        self._child(node, node.test, loop)
        self._child(node, node.body, loop)
        self._child(node, node.orelse, ("loopelse", id(node), "else"))

    def _w_With(self, node: cst.With) -> None:
        self.stack.append(node)
        try:
            for item in node.items:
                self.stack.append(item)
                try:
                    self._walk(item.item)
                finally:
                    self.stack.pop()
                if item.asname is not None:
                    self._bind_target(item.asname.name, None, item)
                if self.methods:
                    key = dotted_name(item.item)
                    if key:
                        self._emit(EventKind.WITH, key, item)
        finally:
            self.stack.pop()
        if any(expects_failure(item.item) for item in node.items):
            self.frames.append(("raises", id(node), "body"))
            try:
                self._child(node, node.body, ("with", id(node), "body"))
            finally:
                self.frames.pop()
        else:
            self._child(node, node.body, ("with", id(node), "body"))

    def _w_Match(self, node: Any) -> None:
        self._child(node, node.subject)
        for i, case in enumerate(node.cases):
            self._child(node, case, ("match", id(node), f"c{i}"))

    # nested scopes: anything they mention is captured
    def _nested(self, node: cst.CSTNode) -> None:
        self.nested += 1
        try:
            self._generic(node)
        finally:
            self.nested -= 1

    def _w_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.name.value in self.names:
            self._emit(EventKind.BIND, node.name.value, node)
        self._nested(node)

    def _w_ClassDef(self, node: cst.ClassDef) -> None:
        if node.name.value in self.names:
            self._emit(EventKind.BIND, node.name.value, node)
        self._nested(node)

    def _w_Lambda(self, node: cst.Lambda) -> None:
        called = self._called_through_lambda(node)
        if called is not None:
            receiver, method = called
            self._emit(EventKind.METHOD, receiver.value, receiver, method)
            return
        self._nested(node)

    def _called_through_lambda(self, node: cst.Lambda) -> Optional[Tuple[cst.Name, str]]:
        """`retry(lambda: sock.connect(addr))`: a lambda without parameters that only calls one
        method (not a release) of a tracked name, handed as a positional argument to a call that
        does not store or schedule it (not `submit`, `add_done_callback`, `Thread`, a setter or
        registry): the callee runs it before it returns, so the method is called here (and a
        failure of it happens here), and the lambda keeps nothing."""
        if node.params.params or node.params.posonly_params or node.params.kwonly_params:
            return None
        if node.params.star_arg is not cst.MaybeSentinel.DEFAULT or node.params.star_kwarg is not None:
            return None
        body = node.body
        if not (isinstance(body, cst.Call) and isinstance(body.func, cst.Attribute) and isinstance(body.func.value, cst.Name)):
            return None
        receiver, method = body.func.value, body.func.attr.value
        if receiver.value not in self.names or method in RELEASE_ALL or closeish(method):
            return None
        if any(self.names & _mentioned(arg.value) for arg in body.args):
            return None
        if len(self.stack) < 2:
            return None
        arg, call = self.stack[-1], self.stack[-2]
        if not (isinstance(arg, cst.Arg) and arg.value is node and arg.keyword is None and not arg.star and isinstance(call, cst.Call)):
            return None
        func = call.func
        fname = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if not fname or fname in STORE_METHODS or fname in TASK_CALLABLES or fname.lower().startswith(STORE_PREFIXES):
            return None
        if fname in HANDOFF_METHODS or "callback" in fname.lower() or "schedule" in fname.lower():
            return None
        return receiver, method

    # scope declarations
    def _w_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self.nonlocal_names.add(item.name.value)

    def _w_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self.nonlocal_names.add(item.name.value)

    def _w_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if alias.asname is not None:
                self._bind_target(alias.asname.name, None, node)
            else:
                top = dotted_name(alias.name).split(".", 1)[0]
                if top in self.names:
                    self._emit(EventKind.BIND, top, node)

    def _w_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            target = alias.asname.name if alias.asname is not None else alias.name
            if isinstance(target, cst.Name):
                self._bind_target(target, None, node)

    # bindings: the value is evaluated first, then the targets are bound
    def _w_Assign(self, node: cst.Assign) -> None:
        self._child(node, node.value)
        resource = self.resources.get(id(node.value)) if isinstance(node.value, (cst.Call, cst.IfExp)) else None
        single = len(node.targets) == 1
        for target in node.targets:
            self._bind_target(target.target, resource if single else None, node)

    def _w_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._child(node, node.annotation)
        if node.value is not None:
            self._child(node, node.value)
            resource = self.resources.get(id(node.value)) if isinstance(node.value, (cst.Call, cst.IfExp)) else None
            self._bind_target(node.target, resource, node)
        else:
            self._target_expressions(node, node.target)

    def _w_AugAssign(self, node: cst.AugAssign) -> None:
        self._child(node, node.value)
        if isinstance(node.target, cst.Name):
            if node.target.value in self.names:
                self._emit(EventKind.USE, node.target.value, node.target)
        else:
            self._target_expressions(node, node.target)

    def _w_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._child(node, node.value)
        resource = self.resources.get(id(node.value)) if isinstance(node.value, (cst.Call, cst.IfExp)) else None
        self._bind_target(node.target, resource, node)

    def _w_Del(self, node: cst.Del) -> None:
        self._bind_target(node.target, None, node, deleting=True)

    def _w_CompFor(self, node: cst.CompFor) -> None:
        # comprehension targets are local to the comprehension: not our names
        self.stack.append(node)
        try:
            self._walk(node.iter)
            self._target_expressions(node, node.target)
            for cond in node.ifs:
                self._walk(cond)
            if node.inner_for_in is not None:
                self._walk(node.inner_for_in)
        finally:
            self.stack.pop()

    def _bind_target(self, target: cst.CSTNode, resource: Any, owner: cst.CSTNode, deleting: bool = False) -> None:
        if isinstance(target, cst.Name):
            if target.value in self.names:
                if resource is not None and not self.nested:
                    self._emit(EventKind.BIND_RESOURCE, target.value, owner, resource)
                else:
                    self._emit(EventKind.DEL if deleting else "bind", target.value, owner)
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            # `a, b = socket.socketpair()`: both are resources
            pair = resource if resource is not None and resource.qualified == "socket.socketpair" else None
            for element in target.elements:
                self._bind_target(element.value, pair, owner, deleting)
            return
        if isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None, owner, deleting)
            return
        self._target_expressions(owner, target)
        if resource is not None and isinstance(target, cst.Attribute) and not self.nested:
            base = target.value
            if isinstance(base, cst.Name) and self.self_name is not None and base.value == self.self_name:
                self._emit(EventKind.DIRECT_SELF_STORE, target.attr.value, owner, resource)

    def _target_expressions(self, owner: cst.CSTNode, target: cst.CSTNode) -> None:
        """The expressions inside a store target (`d[key] = ...`, `obj.attr = ...`) are reads."""
        if isinstance(target, cst.Name):
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target_expressions(owner, element.value)
            return
        if isinstance(target, cst.StarredElement):
            self._target_expressions(owner, target.value)
            return
        if (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value in self.names
            and not self.nested
            and is_injected_double(target.attr.value)
        ):
            self._emit(EventKind.ESCAPE, target.value.value, target, "collaborator injected")
            return
        self.stack.append(owner)
        try:
            if isinstance(target, cst.Attribute):
                self._walk(target.value)
            elif isinstance(target, cst.Subscript):
                self._walk(target.value)
                for element in target.slice:
                    self._walk(element)
            else:
                self._walk(target)
        finally:
            self.stack.pop()

    def _w_Return(self, node: cst.Return) -> None:
        if self.methods and not self.nested:
            self._emit(EventKind.RETURN, "", node)
        self._generic(node)

    # method calls of interest on dotted receivers (locks)
    def _w_Call(self, node: cst.Call) -> None:
        func = node.func
        if self.methods and isinstance(func, cst.Attribute) and func.attr.value in self.methods and not self.nested:
            key = dotted_name(func.value)
            if key:
                self._emit(EventKind.CALL, key, node, func.attr.value)
        followed = self.values.get(id(node))
        if followed is not None and not self.nested and self.stack:
            kind, detail = self._classify_member(node)
            self._emit(kind, followed, node, detail)
        self._generic(node)

    # ------------------------------------------------------------------ names
    def _on_name(self, node: cst.Name) -> None:
        name = node.value
        if name not in self.names or not self.stack:
            return
        parent = self.stack[-1]
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return
        if isinstance(parent, (cst.Param, cst.ImportAlias, cst.AsName, cst.NameItem)):
            return
        if isinstance(parent, (cst.FunctionDef, cst.ClassDef)) and parent.name is node:
            return
        if self.nested:
            self._emit(EventKind.ESCAPE, name, node, "captured")
            return
        kind, detail = self._classify_member(node)
        self._emit(kind, name, node, detail)

    def _classify_member(self, node: cst.CSTNode) -> Tuple[EventKind, Any]:
        """`_classify` of the value, or with `members` of the outermost member expression
        made from it (`fig.axes[0].figure`, `fig.add_subplot()`)."""
        if not self.members:
            return self._classify(node)
        stack = self.stack
        i = len(stack) - 1
        current = node
        while i >= 0:
            p = stack[i]
            if (isinstance(p, (cst.Attribute, cst.Subscript)) and p.value is current) or (isinstance(p, cst.Call) and p.func is current):
                current = p
                i -= 1
                continue
            break
        if i < 0:
            return EventKind.USE, None
        return self._classify(current, i)

    def _classify(self, node: cst.CSTNode, i: Optional[int] = None) -> Tuple[EventKind, Any]:
        """What happens to `node` where it stands; `i`: its parent's place on the stack (the
        top by default)."""
        self._argument = self._member = None
        stack = self.stack
        i = len(stack) - 1 if i is None else i
        parent = stack[i]
        if isinstance(parent, cst.Attribute) and parent.value is node:
            attr = self._member = parent.attr.value
            grand = stack[i - 1] if i >= 1 else None
            if isinstance(grand, cst.Call) and grand.func is parent:
                if attr in ("__enter__", "__aenter__"):
                    return EventKind.ESCAPE, "entered by hand"
                if attr in DERIVED_OWNERS and i >= 2 and isinstance(stack[i - 2], (cst.Return, cst.Yield)):
                    return EventKind.ESCAPE, "returned through a member"  # `return archive.open(name)`
                if attr == "read" and not grand.args:
                    return EventKind.METHOD, READ_TO_END
                return EventKind.METHOD, attr
            if attr in RELEASE_ALL:
                return EventKind.RELEASE_REF, attr
            if isinstance(grand, cst.Arg) and grand.value is parent and attr not in DATA_ATTRIBUTES:
                return EventKind.ESCAPE, "bound method handed over"
            return EventKind.USE, None
        # climb through containers and conditional expressions
        current: cst.CSTNode = node
        j = i
        contained = False
        while j >= 0:
            p = stack[j]
            if isinstance(p, _ELEMENTS) or isinstance(p, cst.Dict):
                contained = True
            elif isinstance(p, _CONTAINERS):
                contained = True
            elif isinstance(p, cst.IfExp) and p.test is not current:
                pass
            elif isinstance(p, cst.BooleanOperation):
                pass
            else:
                break
            current = p
            j -= 1
        if j < 0:
            return EventKind.USE, None
        p = stack[j]
        if isinstance(p, cst.WithItem) and p.item is current:
            return (EventKind.WITH, None) if not contained else (EventKind.ESCAPE, "container in with")
        if isinstance(p, (cst.Return, cst.Yield)):
            return EventKind.ESCAPE, "returned"
        if isinstance(p, cst.Assign) and p.value is current:
            if not contained and len(p.targets) == 1:
                target = p.targets[0].target
                if (
                    isinstance(target, cst.Attribute)
                    and isinstance(target.value, cst.Name)
                    and self.self_name is not None
                    and target.value.value == self.self_name
                ):
                    return EventKind.SELF_STORE, target.attr.value
            return EventKind.ESCAPE, "stored"
        if isinstance(p, (cst.AnnAssign, cst.NamedExpr)) and p.value is current:
            return EventKind.ESCAPE, "stored"
        if isinstance(p, cst.Arg) and p.value is current and j >= 1 and isinstance(stack[j - 1], cst.Call):
            if not contained:
                self._argument = (stack[j - 1], p)  # type: ignore[assignment]
            return self._classify_arg(p, stack[j - 1], j - 1, direct=not contained)
        if isinstance(p, cst.For) and p.iter is current:
            return (EventKind.ESCAPE, "released in a loop") if contained else (EventKind.USE, "iterated")
        if isinstance(p, cst.CompFor) and p.iter is current:
            comp = self._enclosing_comprehension(j)
            if comp is not None and isinstance(stack[comp], cst.GeneratorExp) and self._flows(comp):
                return EventKind.ESCAPE, "generator"
            return EventKind.USE, None
        if isinstance(p, cst.Await) and contained:
            return EventKind.USE, None
        if contained and isinstance(p, (cst.Expr, cst.Comparison, cst.If, cst.While)):
            return EventKind.USE, None
        if contained:
            return EventKind.ESCAPE, "container"
        return EventKind.USE, None

    def _enclosing_comprehension(self, j: int) -> Optional[int]:
        k = j
        while k >= 0:
            if isinstance(self.stack[k], (cst.GeneratorExp, cst.ListComp, cst.SetComp, cst.DictComp)):
                return k
            k -= 1
        return None

    def _classify_arg(self, arg: cst.Arg, call: cst.Call, index: int, direct: bool) -> Tuple[EventKind, Any]:
        qn = self.callnames.get(id(call))
        func = call.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        fname = (qn or dotted_name(func) or "").rsplit(".", 1)[-1]
        if qn in HANDOFF_FUNCTIONS or method in HANDOFF_METHODS:
            return EventKind.ESCAPE, "handed to an owner"
        if fname and closeish(fname):
            return EventKind.RELEASE, fname
        lent = self.borrows(call, arg) if direct and self.borrows is not None else None
        if lent:
            return EventKind.USE, lent  # "borrowed" or "kept unclosed": the caller still owns it
        if qn in FILEOBJ_WRAPPERS:
            return EventKind.USE, None  # `tarfile.open(fileobj=resp)` never closes what it is given
        if qn is not None and (qn in CONSUMERS or (qn.startswith("builtins.") and qn not in BUILTIN_STORES)):
            return EventKind.USE, "consumed"
        if method in CONSUMER_METHODS:
            return EventKind.USE, "consumed"
        if qn in BUILTIN_STORES:
            return EventKind.ESCAPE, "stored"
        if not direct:
            return EventKind.ESCAPE, "container handed over"
        if method in STORE_METHODS or fname in TASK_CALLABLES or fname.lower().startswith(STORE_PREFIXES):
            return EventKind.ESCAPE, "stored"
        if arg.keyword is not None and arg.keyword.value in ("args", "kwargs"):
            return EventKind.ESCAPE, "task"
        positional = arg.keyword is None and not arg.star
        if positional and (fname[:1].isupper() or self._flows(index)):
            return EventKind.ESCAPE, "kept by a wrapper"
        if self._flows(index):
            # `reader, writer = await open_connection(sock=sock)`, `Loop(asyncio_loop=loop)`
            return EventKind.ESCAPE, "kept by what the call returns"
        if method is not None and isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            if self.self_name is not None and func.value.value == self.self_name:
                return EventKind.ESCAPE, "handed to a method of self"
        return EventKind.USE, None

    def _flows(self, index: int) -> bool:
        """Whether the value of the expression at stack[index] is kept: returned, yielded,
        assigned, used as a with item or passed on."""
        current = self.stack[index]
        j = index - 1
        while j >= 0:
            p = self.stack[j]
            if isinstance(p, _ELEMENTS) or isinstance(p, _CONTAINERS) or isinstance(p, (cst.Await, cst.BooleanOperation)):
                current = p
                j -= 1
                continue
            if isinstance(p, cst.IfExp) and p.test is not current:
                current = p
                j -= 1
                continue
            break
        if j < 0:
            return False
        p = self.stack[j]
        if isinstance(p, (cst.Return, cst.Yield, cst.Lambda)):
            return True
        if isinstance(p, (cst.Assign, cst.AnnAssign, cst.NamedExpr)) and getattr(p, "value", None) is current:
            return True
        if isinstance(p, cst.WithItem) and p.item is current:
            return True
        if isinstance(p, cst.Arg) and j >= 1 and isinstance(self.stack[j - 1], cst.Call):
            outer = self.stack[j - 1]
            qn = self.callnames.get(id(outer))
            if qn is not None and (qn in CONSUMERS or qn.startswith("builtins.")):
                return False
            return True
        return False


def released_or_passed_on(events: Sequence[Event]) -> bool:
    """Whether a tracked value is closed somewhere in the walked body (a `close()`, a release
    function, `f.close` taken as a value) or leaves the function's hands: returned or yielded,
    stored (a variable, a container, `self.<attr>`), handed to an owner that releases it, or
    put in a container given to a call. A bound method or attribute of it handed over, a
    method of `self` it is lent to and `__enter__` called by hand do not pass the value on.
    Where the events sit (an `if` arm, a `try` body) is not asked: "anywhere", the question of
    a rule that reports only a value nothing ever closes."""
    for event in events:
        kind = event.kind
        if kind is EventKind.RELEASE or kind is EventKind.RELEASE_REF:
            return True
        if kind is EventKind.METHOD and event.detail in RELEASE_ALL:
            return True
        if event.escape in (Escape.RETURN, Escape.STORE, Escape.STORE_SELF):
            return True
        if event.detail in ("handed to an owner", "container handed over"):
            return True
    return False


def protected(releases: Sequence[Event], first: Optional[Event] = None, swallowing: FrozenSet[int] = frozenset()) -> bool:
    """A release that runs whatever happens: in a `finally`; one in an `except` handler plus
    one on the normal path; or one right after a `try` whose handler swallows every exception
    raised after the acquisition (`try: s = socket(); s.bind(a)` / `except Exception: pass` /
    `s.close()`)."""
    if any(e.in_finally for e in releases):
        return True
    if first is not None:
        for position, ident in first.try_bodies():
            outside = [f for f in first.frames[:position] if f[0] != "if"]
            if ident in swallowing and any(
                [f for f in e.frames if f[0] != "if"] == outside
                and not any(f[1] == ident for f in e.frames)
                and e.order > first.order
                for e in releases
            ):
                return True
    in_handler = [e for e in releases if e.in_handler]
    others = [e for e in releases if not e.in_handler]
    return bool(in_handler) and bool(others)


def follows_at_once(first: Event, releases: Sequence[Event], plain_tries: FrozenSet[int] = frozenset()) -> bool:
    """A release that runs right after the acquisition, with nothing in between that can raise:
    the next statement; the first statement of the `if` whose test acquires
    (`if lock.acquire(False): lock.release()`); the first statement of the `else` of a `try`
    whose body ends with the acquisition."""
    block, index, count = first.stmt
    # the statement after the binding, also after leaving the if / else arms the binding ends
    # (`if a: p = Popen(x)` / `else: p = Popen(y)` / `return p.wait()`)
    nexts = []
    chain = first.chain
    level = len(chain) - 1
    while level >= 0:
        b, i, n, depth = chain[level]
        nexts.append(((b, i + 1), first.frames[:depth] if level < len(chain) - 1 else first.frames))
        if i != n - 1 or level == 0:
            break
        outer_depth = chain[level - 1][3]
        # leaving an if / else arm, or the body of a try without else / finally (whose
        # handlers only run when the binding itself failed)
        if not all(
            kind in ("if", "with") or (kind == "try" and arm == "body" and ident in plain_tries)
            for kind, ident, arm in first.frames[outer_depth:depth]
        ):
            break
        level -= 1
    for e in releases:
        if any(e.frames == frames and e.stmt[:2] == position for position, frames in nexts):
            return True
        # the first statement of the try / with right after the binding
        if e.stmt[1] == 0 and len(e.chain) >= 2 and len(e.frames) >= 1 and e.frames[-1][0] in ("try", "with"):
            if e.frames[-1][2] in ("body",) and any(
                e.frames[:-1] == frames and e.chain[-2][:2] == position for position, frames in nexts
            ):
                return True
        if e.stmt[1] != 0 or len(e.frames) != len(first.frames) + 1 and len(e.frames) != len(first.frames):
            continue
        if isinstance(first.statement, cst.If) and e.frames == first.frames + (("if", id(first.statement), "body"),):
            return True
        if (
            isinstance(first.statement, cst.While)
            and e.frames == first.frames
            and len(e.chain) == len(first.chain) + 1
            and e.chain[-2][:2] == first.chain[-1][:2]
        ):
            return True  # `while lock.acquire(False): lock.release()`
        if first.frames and index == count - 1:
            kind, ident, arm = first.frames[-1]
            if kind == "try" and arm == "body" and e.frames == first.frames[:-1] + (("try", ident, "else"),):
                return True
    return False


@dataclass(frozen=True)
class TrackedValue:
    """A rule's declarative spec of a value it follows through one function body on the
    walker (LL601's pyplot figures, LL603's threads, timers and event loops): what releases
    it, which escapes end the rule's interest, which calls take it over.

    `releases`: for each kind of value, the methods that end its life (`join`, `close`); a
    method reference handed over (`addCleanup(loop.close)`) and a helper named for one
    (`join_thread(t)`) release too. `ends`: where the value may go (`Escape`, not as an
    argument of a call) for the rule to stop following it. `owns(call)`: a call that takes
    over a value given to it as a positional argument (the walker's own reading of arguments
    is not used: each rule has its own catalogue of owners). `members`: what is made from the
    value (`fig.axes[0]`, `fig.add_subplot()`) goes where the value goes. `derived`: names
    bound to the value or to a member of a followed name (`ax = fig.add_subplot()`,
    `fig2 = fig`) are followed as the value."""

    releases: Mapping[str, FrozenSet[str]]
    ends: FrozenSet[Escape]
    owns: Callable[[cst.Call], bool]
    members: bool = False
    derived: bool = False


@dataclass
class Followed:
    """What happened to one created value (`call`, of `kind`) in its function: the names it was
    bound to and every event of them and of the call itself, anywhere in the body (where the
    events sit is not asked)."""

    call: cst.Call
    kind: str
    spec: TrackedValue
    names: Set[str] = field(default_factory=set)
    events: List[Event] = field(default_factory=list)

    def methods(self) -> Set[str]:
        """The methods called on the value."""
        return {e.detail for e in self.events if e.kind is EventKind.METHOD and isinstance(e.detail, str)}

    def released(self) -> bool:
        enders = self.spec.releases.get(self.kind, frozenset())
        for event in self.events:
            if event.kind is EventKind.METHOD and event.detail in enders:
                return True
            if event.member in enders and (event.kind is EventKind.RELEASE_REF or event.detail == "bound method handed over"):
                return True  # `addCleanup(loop.close)`, `atexit.register(t.cancel)`
            if event.call is not None and _positional(event) and any(word in _callee(event.call).lower() for word in enders):
                return True
        return False

    def passed_on(self) -> bool:
        """Returned, stored, or given to an owner (`spec.owns`), as far as the spec says. Read
        anywhere in what the function returns or yields counts as returned (`return
        cache[loop]`, `return fig.number`), except a method called on it, which returns the
        method's result (`return loop.run_until_complete(coro)`)."""
        for event in self.events:
            if event.in_return and event.kind is not EventKind.METHOD and Escape.RETURN in self.spec.ends:
                return True
            if event.call is not None:
                if _positional(event) and self.spec.owns(event.call):
                    return True
                continue
            if event.escape in self.spec.ends and not self._moved_to_own_name(event):
                return True
        return False

    def entered(self) -> bool:
        """Used as a context manager (`with closing(...)`, `with Thread(...)`)."""
        return any(e.kind is EventKind.WITH for e in self.events)

    def _moved_to_own_name(self, event: Event) -> bool:
        """`t = Thread(...)`, `ax = fig.add_subplot()`: stored only in names followed as it."""
        statement = event.statement
        if event.detail != "stored" or not isinstance(statement, (cst.Assign, cst.AnnAssign)):
            return False
        targets = [t.target for t in statement.targets] if isinstance(statement, cst.Assign) else [statement.target]
        return all(isinstance(t, (cst.Name, cst.Tuple, cst.List)) for t in targets) and all(
            n in self.names for t in targets for n in target_names(t)
        )


def _positional(event: Event) -> bool:
    arg = event.arg
    return arg is not None and event.call is not None and any(v is arg.value for v in positional(event.call))


def _callee(call: cst.Call) -> str:
    func = call.func
    return func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""


def follow(
    spec: TrackedValue,
    scope: Any,
    creations: Mapping[int, Tuple[cst.Call, str]],
    callnames: Dict[int, str],
    self_name: Optional[str] = None,
) -> Dict[int, Followed]:
    """One walk of `scope` (an `analysis.scopes.Scope`: its function body, lambda or module)
    following the values `creations` (id(call) -> (call, kind)) made in it: the names the
    scope binds to each (its bindings with their values; with `spec.derived` also the names
    bound to members of those), and what happens to those names and to each call where it
    stands. Returns id(call) -> `Followed`."""
    out: Dict[int, Followed] = {key: Followed(call, kind, spec) for key, (call, kind) in creations.items()}
    sources = []  # (names bound, the expression they are bound to)
    for history in (scope.history(name) for name in list(scope.values)):
        for binding in history:
            node = binding.node
            value = binding.value
            if value is None and isinstance(node, (cst.Assign, cst.AnnAssign)) and binding.kind in ("assign", "annassign"):
                value = node.value
            if value is not None:
                sources.append((binding.name, value))
    for key, followed in out.items():
        for name, value in sources:
            if _created_by(value, spec.derived) is followed.call:
                followed.names.add(name)
        grew = spec.derived
        while grew:
            grew = False
            for name, value in sources:
                if name not in followed.names and _root(value) in followed.names:
                    followed.names.add(name)
                    grew = True
    names = set().union(*(f.names for f in out.values())) if out else set()
    node = scope.node
    body = node.body if isinstance(node, (cst.FunctionDef, cst.Lambda)) else node
    walker = FlowWalker(
        names, {}, callnames, self_name, values={key: f"#{key}" for key in out}, members=spec.members
    )
    by_name: Dict[str, List[Event]] = {}
    for event in walker.run(body):
        by_name.setdefault(event.name, []).append(event)
    for key, followed in out.items():
        followed.events = sorted(
            [e for name in followed.names for e in by_name.get(name, ())] + by_name.get(f"#{key}", []),
            key=lambda e: e.order,
        )
    return out


def follow_each(
    spec: TrackedValue,
    creations: Sequence[Tuple[Any, cst.Call, str]],
    callnames: Dict[int, str],
    self_name_of: Callable[[Any], Optional[str]],
) -> Dict[int, Followed]:
    """`follow` for values made in several functions, given as (scope, call, kind): one walk
    per scope that makes any. `self_name_of(scope)`: the name of `self` there (or None)."""
    by_scope: Dict[int, Tuple[Any, Dict[int, Tuple[cst.Call, str]]]] = {}
    for scope, call, kind in creations:
        by_scope.setdefault(id(scope), (scope, {}))[1][id(call)] = (call, kind)
    out: Dict[int, Followed] = {}
    for scope, made in by_scope.values():
        out.update(follow(spec, scope, made, callnames, self_name_of(scope)))
    return out


def _created_by(value: cst.BaseExpression, members: bool) -> cst.BaseExpression:
    """The call a bound expression is (`t = Thread()`), or with `members` the innermost call of
    the member chain made from it (`ax = plt.figure().add_subplot()`: `plt.figure()`)."""
    while members:
        inner = value.func.value if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) else (
            value.value if isinstance(value, cst.Attribute) else None
        )
        if not isinstance(inner, (cst.Call, cst.Attribute)):
            break
        value = inner
    return value


def _root(value: cst.BaseExpression) -> Optional[str]:
    """The plain name at the root of `a.b()[0].c`."""
    while isinstance(value, (cst.Call, cst.Attribute, cst.Subscript)):
        value = value.func if isinstance(value, cst.Call) else value.value
    return value.value if isinstance(value, cst.Name) else None


def _mentioned(node: cst.CSTNode) -> Set[str]:
    """Every plain name under `node`."""
    if isinstance(node, cst.Name):
        return {node.value}
    out: Set[str] = set()
    for child in children(node):
        out |= _mentioned(child)
    return out


def _held(node: cst.CSTNode) -> Set[str]:
    """The names a value holds as such: the name itself, or the elements of a tuple / list /
    set / dict display (not `f.name`, `f.read()`)."""
    if isinstance(node, cst.Name):
        return {node.value}
    out: Set[str] = set()
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        for element in node.elements:
            out |= _held(element.value)
    elif isinstance(node, cst.Dict):
        for element in node.elements:
            out |= _held(element.value)
    return out


def gathered_across_iterations(loop: cst.CSTNode, name: str, local: Callable[[str], bool]) -> Optional[Tuple[str, cst.Raise]]:
    """A resource bound to `name` in the body of `loop`, kept past its iteration in a container
    of the function: added to a local list / dict / set bound outside the loop
    (`items.append((key, name))`, `files[key] = name`), directly or through a local the loop
    wraps it in (`upload = UploadFile(file=name)` ... `items.append(upload)`); and a `raise`
    with an exception in the same loop body, outside the body of any `try` in it (a raise in
    an except handler counts). A later iteration that
    raises drops every resource gathered so far unclosed. Returns (the container, the raise).
    `local(n)` says whether `n` is a variable the function binds itself (not a parameter); a
    resource also added to any other container (a parameter's, an attribute's) has a holder
    outside the function that may close it, and is not judged."""
    body = getattr(loop, "body", None)
    if body is None:
        return None
    carriers: Set[str] = {name}
    bound_in_loop: Set[str] = set()
    adds: List[Tuple[str, cst.CSTNode]] = []
    raises: List[cst.Raise] = []

    def visit(node: cst.CSTNode, in_try: bool) -> None:
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return
        if isinstance(node, (cst.Try, cst.TryStar)):
            visit(node.body, True)  # a raise in the body may be caught; one in a handler is not
            for part in (*node.handlers, node.orelse, node.finalbody):
                if part is not None:
                    visit(part, in_try)
            return
        if isinstance(node, cst.Raise) and node.exc is not None and not in_try:
            raises.append(node)
        if isinstance(node, cst.Assign):
            for target in node.targets:
                t = target.target
                if isinstance(t, cst.Name):
                    bound_in_loop.add(t.value)
                    if isinstance(node.value, cst.Call) and any(_held(a.value) & carriers for a in node.value.args):
                        carriers.add(t.value)  # a wrapper the loop keeps the resource in
                elif isinstance(t, cst.Subscript) and isinstance(t.value, cst.Name):
                    adds.append((t.value.value, node.value))
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in ("append", "add", "insert", "setdefault", "appendleft")
        ):
            owner = node.func.value.value if isinstance(node.func.value, cst.Name) else ""
            for arg in node.args:
                adds.append((owner, arg.value))
        for child in children(node):
            visit(child, in_try)

    visit(body, False)
    if not raises:
        return None
    if any(_held(value) & carriers and not (container and local(container)) for container, value in adds):
        return None  # also handed to a holder of the caller's or the object's (a close-on-error list)
    for container, value in adds:
        if container in carriers or container in bound_in_loop or not local(container):
            continue
        if _held(value) & carriers:
            return container, raises[0]
    return None


def _closes_elements_of(node: cst.CSTNode, holder: Callable[[cst.CSTNode], bool]) -> bool:
    """`for f in <holder>: f.close()` (any release method) somewhere under `node`."""
    found = False

    def visit(current: cst.CSTNode) -> None:
        nonlocal found
        if found or isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return
        if isinstance(current, cst.For) and holder(current.iter) and isinstance(current.target, cst.Name):
            element = current.target.value
            for call in calls_under(current.body):
                func = call.func
                if (
                    isinstance(func, cst.Attribute)
                    and isinstance(func.value, cst.Name)
                    and func.value.value == element
                    and (func.attr.value in RELEASE_ALL or closeish(func.attr.value))
                ):
                    found = True
                    return
        for child in children(current):
            visit(child)

    visit(node)
    return found


def _receiver_methods(node: cst.CSTNode) -> Dict[str, cst.Call]:
    """`name.method(...)` calls under `node`, by receiver name (the first of each)."""
    out: Dict[str, cst.Call] = {}
    for call in calls_under(node):
        func = call.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            out.setdefault(func.value.value, call)
    return out


def close_on_error_gap(method: cst.FunctionDef, holder: Callable[[cst.CSTNode], bool]) -> Tuple[Optional[Tuple[str, cst.Call]], bool]:
    """How a method closes the resources gathered in a holder (`for f in self._to_close:
    f.close()`). Returns (gap, closes_elsewhere). `gap`: it closes them in an except handler
    of a `try`, and a statement after that try (in the same block) calls a method of an object
    whose methods the try body also calls (`parser.write(chunk)` inside, `parser.finalize()`
    after): that call can fail the same way and its error skips the handler, leaving every
    gathered resource open; (the receiver, the unguarded call). `closes_elsewhere`: it also
    closes them outside any except handler (a `finally`, an `else`, the normal path)."""
    gap: Optional[Tuple[str, cst.Call]] = None
    closes_elsewhere = False

    def scan_block(statements: Sequence[cst.CSTNode]) -> None:
        nonlocal gap, closes_elsewhere
        for index, statement in enumerate(statements):
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                continue
            if isinstance(statement, (cst.Try, cst.TryStar)):
                for part in (statement.orelse, statement.finalbody):
                    if part is not None and _closes_elements_of(part, holder):
                        closes_elsewhere = True
                if gap is None and any(_closes_elements_of(h, holder) for h in statement.handlers):
                    guarded = _receiver_methods(statement.body)
                    for later in statements[index + 1:]:
                        for receiver, call in _receiver_methods(later).items():
                            method_name = call.func.attr.value  # type: ignore[union-attr]
                            if receiver in guarded and method_name not in ACCESSORS:
                                gap = (receiver, call)
                                break
                        if gap is not None:
                            break
                scan_block(list(statement.body.body) if isinstance(statement.body, cst.IndentedBlock) else [])
                continue
            if isinstance(statement, cst.For) and holder(statement.iter) and _closes_elements_of(statement, holder):
                closes_elsewhere = True
                continue
            for block in inner_blocks(statement):
                scan_block(block)

    body = method.body
    scan_block(list(body.body) if isinstance(body, cst.IndentedBlock) else [])
    return gap, closes_elsewhere


def group_by_name(events: Sequence[Event]) -> Dict[str, List[Event]]:
    """The events of each tracked name (or receiver key), in source order, names in order of
    their first event."""
    out: Dict[str, List[Event]] = {}
    for event in events:
        out.setdefault(event.name, []).append(event)
    return out


BIND_KINDS = frozenset({EventKind.BIND, EventKind.BIND_RESOURCE, EventKind.DEL})


def _in_a_handler_the_binding_is_not_in(event: Event, bind: Event) -> bool:
    common = 0
    for a, b in zip(event.frames, bind.frames):
        if a != b:
            break
        common += 1
    return any(kind == "try" and is_handler_arm(arm) for kind, _, arm in event.frames[common:])


def rebound_only_when_empty(rebind: Event, bind: Event, name: str, root: cst.CSTNode) -> bool:
    """Whether `rebind` (a later binding of `name`) sits in the body of an `if name is None:` /
    `if not name:` that `bind` is not in: it runs only when the name holds no value, so it
    cannot drop the one `bind` made (`sock = bind_unix_socket(p)` then `if sock is None: sock =
    bind_socket(...)`)."""
    for kind, ident, arm in rebind.frames:
        if kind != "if" or arm != "body" or (kind, ident, arm) in bind.frames:
            continue
        node = node_by_id(root, ident)
        test = node.test if isinstance(node, cst.If) else None
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test = test.expression
            if isinstance(test, cst.Name) and test.value == name:
                return True
        elif (
            isinstance(test, cst.Comparison)
            and isinstance(test.left, cst.Name)
            and test.left.value == name
            and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Is)
            and isinstance(test.comparisons[0].comparator, cst.Name)
            and test.comparisons[0].comparator.value == "None"
        ):
            return True
    return False


def live_span(events: Sequence[Event], index: int) -> Tuple[List[Event], Optional[Event]]:
    """The events of one name that can see the value bound at `events[index]`, and the event
    that ends its life (a re-binding or `del`, None when nothing does). Events on an
    alternative arm are left out; a re-binding inside an except handler the binding is not in
    does not end it (`except UnsupportedOperation: fp = io.BytesIO(fp.read())`: the path that
    does not fail goes on with the first value); for a binding in a loop, the events of the
    outermost loop before the binding count too (the next iteration reaches them)."""
    bind = events[index]
    span: List[Event] = []
    cut: Optional[Event] = None
    for event in events[index + 1:]:
        if exclusive(bind, event):
            continue
        if event.kind in BIND_KINDS:
            if _in_a_handler_the_binding_is_not_in(event, bind):
                continue
            cut = event
            break
        span.append(event)
    loops = bind.loops()
    if loops:
        outer = loops[0]
        for event in events[:index]:
            if outer in event.loops() and event.kind not in BIND_KINDS and not exclusive(bind, event):
                span.append(event)
    return span, cut


def unguarded_failure(
    bind: Event,
    span: Sequence[Event],
    after: Sequence[Event],
    failing: FrozenSet[str],
    releases: Sequence[str],
    swallowing: FrozenSet[int] = frozenset(),
    when_caught: FrozenSet[str] = frozenset(),
) -> Optional[Event]:
    """The first call of a `failing` method on the value (`sock.connect(addr)`) before it is
    released (`releases`: its release methods) or handed on, when a failure of that call leaves
    it open: the value is released or handed on later (`after`: every event after the
    binding), but not in a `finally` nor after a try that swallows every error, nor in a
    handler or `finally` of a try around the call. A method in `when_caught` counts only
    inside the body of a try (uncaught, its failure ends the program's start-up)."""
    found = None
    for event in span:
        if event.kind in (EventKind.ESCAPE, EventKind.RELEASE_REF, EventKind.RELEASE, EventKind.WITH):
            return None
        if event.kind == EventKind.METHOD and event.detail in releases:
            return None
        if event.kind == EventKind.METHOD and event.detail in failing:
            found = event
            break
    if found is None:
        return None

    def releasing(e: Event) -> bool:
        return e.kind in (EventKind.RELEASE, EventKind.RELEASE_REF) or (e.kind == EventKind.METHOD and e.detail in releases)

    if not any(releasing(e) or e.kind in (EventKind.ESCAPE, EventKind.WITH, EventKind.SELF_STORE) for e in after):
        return None  # never released nor handed on at all
    closes = [e for e in span if e.kind == EventKind.RELEASE or (e.kind == EventKind.METHOD and e.detail in releases)]
    if closes and protected(closes, bind, swallowing):
        return None
    guards = {ident for kind, ident, arm in found.frames if kind == "try" and arm == "body"}
    if found.detail in when_caught and not guards:
        return None
    for event in after:  # the handlers of a try the binding is in count too
        if releasing(event) and any(kind == "try" and ident in guards and arm != "body" for kind, ident, arm in event.frames):
            return None
    return found


def gathered_in_loop(func: cst.FunctionDef, name: str, bind: Event, span: Sequence[Event]) -> Optional[Tuple[str, cst.Raise]]:
    """`gathered_across_iterations` for a value bound to `name` at `bind` in `func`: asked of
    the loops around the binding, innermost first, when no `try` is around it and every escape
    of the value in `span` puts it in a container or a wrapper (not a task, not a release in a
    loop). Returns (the container, the raise) or None."""
    loops = bind.loops()
    if not loops or any(kind == "try" for kind, _, _ in bind.frames):
        return None
    escapes = [e for e in span if e.kind == EventKind.ESCAPE]
    if not escapes or any(
        e.escape not in (Escape.WRAP, Escape.STORE) or e.detail in ("task", "released in a loop") for e in escapes
    ):
        return None
    locals_ = assigned_names(func)
    for ident in reversed(loops):  # the innermost loop first
        loop = node_by_id(func.body, ident)
        found = gathered_across_iterations(loop, name, lambda n: n in locals_) if loop is not None else None
        if found is not None:
            return found
    return None


def finally_releases_after(events: Sequence[Event], index: int, cut: Event, is_release: Callable[[Event], bool]) -> List[Event]:
    """`f = open(a)` ... `f = open(b)` in one try body whose `finally` closes `f`: the finally
    closes whichever value is bound when the body fails, so its releases after the re-binding
    `cut` count for the value bound at `events[index]` too."""
    tries = {ident for kind, ident, arm in cut.frames if kind == "try" and arm == "body"}
    return [
        e
        for e in events[index + 1:]
        if e.order > cut.order
        and is_release(e)
        and any(kind == "try" and arm == "finally" and ident in tries for kind, ident, arm in e.frames)
    ]
