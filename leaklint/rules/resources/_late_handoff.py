"""A resource handed on late: bound to a local, then work that can fail, and only then given to
its owner (stored on `self`, returned, wrapped). An exception in that work drops the only
reference before anyone could close it:

    def connect(self):
        conn = self._new_conn()          # a socket
        if self._is_using_tunnel():      # can raise: conn is lost, still open
            ...
        self.sock = ssl_wrap_socket(conn, ...)

A `raise` statement there counts too. The fix is to hand it on first (`self.sock = conn = self._new_conn()`, so `close()` finds it) or to
close it in an except handler around the work. Read by LL401 (`resource_not_closed`), which
reports it as an error-path finding (where the lifetime model shows the code repeats, or
everywhere with `error-paths`).

What counts as work that can fail: a call outside any `try` statement (a handler may close the
resource; the convention of the other error-path forms) and outside the `else` of an `if` whose
body made the resource, that is not one of the calls that do not fail on ordinary input (`len`,
`isinstance`, logging, `dict.get`, `os.path` arithmetic, a reading accessor such as
`getsockname()` ...), nor a method of the resource itself that only reads or sets a flag, nor its
ordinary I/O (a failed `write` or
`setsockopt` is rare and is the unprotected-release form's business when it is closed
locally); its `connect`, `bind`, `listen`, handshake and login are work that fails. A resource
made inside a `try` (its handlers may release it), or that the function releases in an except
handler or a `finally`, has its error path thought out and is left to the other forms.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from ...analysis.expr import dotted_name
from ...analysis.flow import Escape, Event, EventKind, exclusive
from ...knowledge.resources import ACCESSORS

# where the owner takes it: the events after which the caller no longer holds it alone
_HANDOFF_ESCAPES = frozenset({Escape.RETURN, Escape.STORE, Escape.STORE_SELF, Escape.WRAP})
# calls that do not fail on ordinary input
_SAFE_FUNCTIONS = frozenset(
    {
        "len", "isinstance", "issubclass", "hasattr", "getattr", "setattr", "str", "repr", "int", "float", "bool",
        "bytes", "list", "dict", "tuple", "set", "frozenset", "type", "id", "min", "max", "sorted", "range",
        "enumerate", "zip", "super", "object", "callable", "print", "cast", "typing.cast", "t.cast",
        "time.time", "time.monotonic", "io.text_encoding", "time.perf_counter", "warnings.warn", "os.getpid", "threading.current_thread",
        "asyncio.get_event_loop", "asyncio.get_running_loop", "next", "iter", "format", "abs", "round", "hash",
    }
)
_SETTERS = frozenset({"settimeout", "setblocking"})  # the accessors that take a value
# logging calls: safe on a receiver named like a logger (`log`, `logger`, `self._log`, `LOG`);
# `self.info(entry)` on anything else is an ordinary method that can fail
_LOGGING_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
_SAFE_METHODS = frozenset(
    {
        "get", "format", "join",
        "items", "keys", "values", "copy", "startswith", "endswith", "lower", "upper", "strip", "rstrip", "lstrip",
        "split", "rsplit", "encode", "decode", "append", "add", "setdefault", "replace", "isEnabledFor",
    }
)
# methods of the resource itself that are the failing part of making it usable
_FAILING_OWN_METHODS = frozenset(
    {"connect", "connect_ex", "bind", "listen", "do_handshake", "handshake", "login", "starttls", "auth", "open"}
)
_NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


class _Order:
    """Source order of a function's own nodes: (start, end) of each node's subtree, and the
    calls with whether they sit in a `try` statement."""

    def __init__(self, body: cst.CSTNode) -> None:
        self.span: Dict[int, Tuple[int, int]] = {}
        self.calls: List[Tuple[int, cst.CSTNode, bool]] = []  # calls and `raise` statements
        self.parent: Dict[int, cst.CSTNode] = {}
        self._count = 0
        self._walk(body, False)

    def _walk(self, node: cst.CSTNode, in_try: bool) -> None:
        start = self._count
        self._count += 1
        if isinstance(node, (cst.Call, cst.Raise)):
            self.calls.append((start, node, in_try))
        inner = in_try or isinstance(node, (cst.Try, cst.TryStar))
        for child in node.children:
            if isinstance(child, _NESTED):
                continue
            self.parent[id(child)] = node
            self._walk(child, inner)
        self.span[id(node)] = (start, self._count - 1)

    def other_arms(self, node: cst.CSTNode) -> List[Tuple[int, int]]:
        """Spans of the `else` / `elif` arms of every `if` whose body holds `node`: code there
        never runs on the path that ran `node`."""
        out: List[Tuple[int, int]] = []
        child = node
        parent = self.parent.get(id(child))
        while parent is not None:
            if isinstance(parent, cst.If) and child is parent.body and parent.orelse is not None:
                out.append(self.span[id(parent.orelse)])
            child, parent = parent, self.parent.get(id(parent))
        return out


def first_handoff(bind: Event, span: List[Event]) -> Optional[Event]:
    """The first event after `bind` that decides the resource's fate, when it is a hand-off to
    an owner; None when it is a release, a `with`, or something else comes first."""
    for event in span:
        if exclusive(bind, event) or event.order <= bind.order:
            continue
        if event.kind in (EventKind.RELEASE, EventKind.RELEASE_REF, EventKind.WITH, EventKind.DEL):
            return None
        if event.kind == EventKind.METHOD and event.detail in bind.detail.releases:
            return None
        if event.kind == EventKind.SELF_STORE:
            return event
        if event.kind == EventKind.ESCAPE:
            return event if event.escape in _HANDOFF_ESCAPES else None
    return None


def _released_on_error(bind: Event, span: List[Event]) -> bool:
    """The function releases it in an except handler or a finally: its error path is thought
    out (the unprotected-release form judges that one)."""
    for event in span:
        releasing = event.kind in (EventKind.RELEASE, EventKind.RELEASE_REF) or (
            event.kind == EventKind.METHOD and event.detail in bind.detail.releases
        )
        if releasing and (event.in_handler or event.in_finally):
            return True
    return False


def failing_call_before_handoff(
    function: cst.FunctionDef, name: str, bind: Event, handoff: Event, memo: Dict[int, _Order]
) -> Optional[cst.CSTNode]:
    """The first call that can fail (see the module docstring), or `raise` statement, between
    the statement that binds `name` and the statement that hands it on, outside any `try`;
    None when there is none."""
    if bind.statement is None or handoff.statement is None or bind.statement is handoff.statement:
        return None
    order = memo.get(id(function))
    if order is None:
        order = memo[id(function)] = _Order(function.body)
    start = order.span.get(id(bind.statement))
    end = order.span.get(id(handoff.statement))
    if start is None or end is None or end[0] <= start[1]:
        return None
    elsewhere = order.other_arms(bind.statement)
    for index, call, in_try in order.calls:
        if index <= start[1]:
            continue
        if index >= end[0]:
            break
        if any(a <= index <= b for a, b in elsewhere):
            continue
        if not in_try and (isinstance(call, cst.Raise) or can_fail(call, name)):
            return call
    return None


def can_fail(call: cst.CSTNode, name: str = "") -> bool:
    """Whether `call` can fail on ordinary input: not a builtin conversion, logging, path
    arithmetic or a reading accessor; on the resource `name` itself, only the methods that are
    the failing part of making it usable (`connect`, `bind`, `login` ...)."""
    assert isinstance(call, cst.Call)
    func = call.func
    text = dotted_name(func)
    if text in _SAFE_FUNCTIONS:
        return False
    if text.startswith("os.path."):
        return False  # path arithmetic on strings
    if isinstance(func, cst.Attribute):
        method = func.attr.value
        if isinstance(func.value, cst.Name) and func.value.value == name:
            return method in _FAILING_OWN_METHODS and method not in ACCESSORS
        if method in _SAFE_METHODS:
            return False
        if method in ACCESSORS and (not call.args or method in _SETTERS):
            return False  # a reading accessor takes nothing: `self.info(entry)` is another method
        if method in _LOGGING_METHODS and "log" in dotted_name(func.value).lower():
            return False
    return True


def late_handoff(
    function: cst.FunctionDef, name: str, bind: Event, span: List[Event], memo: Dict[int, _Order]
) -> Optional[Tuple[cst.CSTNode, Event]]:
    """(the call that can fail or the `raise`, the hand-off event) for a resource handed on late, else None.
    `span` is the events of `name` after `bind` up to its next re-binding; `memo` is the
    caller's per-module store of the functions' source order."""
    if bind.try_bodies():
        return None  # made inside a try: its handlers may release it
    handoff = first_handoff(bind, span)
    if handoff is None or _released_on_error(bind, span):
        return None
    call = failing_call_before_handoff(function, name, bind, handoff, memo)
    return (call, handoff) if call is not None else None


def handoff_text(handoff: Event) -> str:
    """How the resource is handed on, for the message."""
    if handoff.kind == EventKind.SELF_STORE:
        return f"stored on self.{handoff.detail}"
    return {Escape.RETURN: "returned", Escape.STORE_SELF: "stored on self"}.get(
        handoff.escape, "handed on"  # type: ignore[arg-type]
    )


def failure_text(node: cst.CSTNode) -> str:
    """What fails, for the message: "f() raises", "the raise of E runs"."""
    if isinstance(node, cst.Raise):
        exc = node.exc.func if isinstance(node.exc, cst.Call) else node.exc
        return f"the raise of {dotted_name(exc) or 'an exception'} runs" if exc is not None else "the re-raise runs"
    assert isinstance(node, cst.Call)
    text = dotted_name(node.func)
    if not text and isinstance(node.func, cst.Attribute):
        text = f"...{node.func.attr.value}"
    return f"{text or 'a call'}() raises"
