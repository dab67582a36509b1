"""Values that reference frames: one fact of this file, read by LL302
(retained-exception-or-frame), which decides where keeping them is a leak.

`FrameValues` follows, during the traversal, what holds a frame-referencing value: the
exception an `except ... as e` block is handling, `sys.exc_info()` and its parts, tracebacks,
frames (`inspect.currentframe()`, `sys._getframe()`, `inspect.stack()`), and the locals of a
function assigned one of them. `kind_of(expr)` says which kind an expression holds here
(`EXCEPTION`, `EXC_INFO`, `TRACEBACK`, `FRAME`, or an `OUTER_*` kind that references frames
but not this one: a caller's frame, a caller's exception, the deeper part of a traceback).

Per assignment it keeps each target with the kind it receives (`bound`, unpacking
`t, v, tb = sys.exc_info()` part by part), and per local where the function lets go of it
(`cleared`: rebound to something else, `del`, `.clear()`, an attribute of it reset; and
`traceback.clear_frames(...)` for the whole function), on a statement clock `seq`.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple, Union

import libcst as cst

from ...analysis.expr import dotted_name, int_value, root_name, target_names
from ...analysis.facts import Fact
from ...analysis.scopes import Scope, binding_scope
from ...traverse import children

# kinds of values that reference frames
EXCEPTION = "exception"  # an exception caught here: its __traceback__ starts at this frame
EXC_INFO = "exc_info"  # the (type, value, traceback) tuple
TRACEBACK = "traceback"
FRAME = "frame"  # the current frame (or a list of frames that contains it)
OUTER_FRAME = "outer_frame"  # a caller's frame: retains the caller, no cycle with this frame
# the exception a caller is handling (sys.exc_info() outside an except block of this
# function), or the deeper part of a traceback: retains frames, but not this one
OUTER_EXCEPTION = "outer_exception"
OUTER_EXC_INFO = "outer_exc_info"
OUTER_TRACEBACK = "outer_traceback"
_OUTER = {EXCEPTION: OUTER_EXCEPTION, EXC_INFO: OUTER_EXC_INFO, TRACEBACK: OUTER_TRACEBACK}
_BASE = {OUTER_EXCEPTION: EXCEPTION, OUTER_EXC_INFO: EXC_INFO, OUTER_TRACEBACK: TRACEBACK}

# kinds that form a cycle with the current frame when kept in one of its locals
CYCLIC = frozenset({EXCEPTION, EXC_INFO, TRACEBACK, FRAME})

# how a message names each kind
DESCRIPTIONS = {
    EXCEPTION: "the caught exception",
    EXC_INFO: "sys.exc_info()",
    TRACEBACK: "a traceback",
    OUTER_EXCEPTION: "the exception being handled",
    OUTER_EXC_INFO: "sys.exc_info()",
    OUTER_TRACEBACK: "a traceback",
    FRAME: "the current frame",
    OUTER_FRAME: "a caller's frame",
}

STACK_CALLS = frozenset({"inspect.stack", "inspect.trace"})
FRAME_LIST_CALLS = frozenset({"inspect.getouterframes", "inspect.getinnerframes"})

Key = Tuple[Scope, str]


class FrameValues(Fact):
    """What holds a frame-referencing value, here (see the module docstring)."""

    def __init__(self, context) -> None:
        super().__init__(context)
        self.seq = 0  # statement clock
        # open except blocks: (as-name, scope, whether its own code raises)
        self.handlers: List[Tuple[str, Scope, bool]] = []
        # scopes of the `finally` blocks we are in: sys.exc_info() there is the exception in
        # flight, which (raised in the `try` body) has this frame in its traceback
        self.finally_scopes: List[Scope] = []
        self.tainted: Dict[Key, str] = {}  # locals that hold a frame-referencing value -> kind
        self.clears: Dict[Key, List[int]] = {}  # where a local (or `local.attr`) is let go
        self.frames_cleared: Set[Scope] = set()  # functions that call traceback.clear_frames
        self.assigned: Dict[Key, Tuple[cst.CSTNode, int]] = {}  # last plain assignment of a local
        self.first_assigned: Dict[Key, int] = {}
        # id(Assign / AnnAssign / NamedExpr) -> each target (a plain name as a str) with the
        # kind it receives
        self.bound: Dict[int, List[Tuple[Union[str, cst.BaseExpression], Optional[str]]]] = {}

    def handling(self, name: str, scope: Scope) -> bool:
        """`name` is the as-name of an except block open in `scope`."""
        return any(h == name and s is scope for h, s, _ in self.handlers)

    def in_handler(self, scope: Scope) -> bool:
        return any(s is scope for _, s, _ in self.handlers)

    def in_raising_handler(self, scope: Scope) -> bool:
        """Inside an except block of `scope` that raises: the exception leaves the frame."""
        return any(s is scope and raises for _, s, raises in self.handlers)

    def cleared_after(self, scope: Scope, names: Tuple[str, ...], seq: int) -> bool:
        return scope in self.frames_cleared or any(s >= seq for name in names for s in self.clears.get((scope, name), ()))

    # ------------------------------------------------------------------ handlers
    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.seq += 1

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._push(node)

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self.handlers.pop()

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._push(node)

    def leave_ExceptStarHandler(self, original_node: cst.ExceptStarHandler) -> None:
        self.handlers.pop()

    def _push(self, node: cst.CSTNode) -> None:
        name = getattr(node, "name", None)
        target = name.name.value if name is not None and isinstance(name.name, cst.Name) else ""
        self.handlers.append((target, self.context.scope, _raises(node)))

    def visit_Finally(self, node: cst.Finally) -> None:
        self.finally_scopes.append(self.context.scope)

    def leave_Finally(self, original_node: cst.Finally) -> None:
        self.finally_scopes.pop()

    # ------------------------------------------------------------------ kinds
    def kind_of(self, expr: cst.BaseExpression) -> Optional[str]:
        """The kind of frame-referencing value `expr` evaluates to here, or None."""
        ctx = self.context
        if isinstance(expr, cst.Name):
            for name, scope, _ in reversed(self.handlers):
                if name == expr.value and binding_scope(name, ctx.scope) is scope:
                    return EXCEPTION
            found = binding_scope(expr.value, ctx.scope)
            if found is not None:
                return self.tainted.get((found, expr.value)) or self._exit_parameter(expr.value)
            return None
        if isinstance(expr, cst.Call):
            return self._call_kind(expr)
        if isinstance(expr, (cst.Subscript, cst.Attribute)):
            base = self.kind_of(expr.value)
            if base is None:
                return None
            plain = _BASE.get(base, base)
            kind = _subscript(expr, plain) if isinstance(expr, cst.Subscript) else _attribute(expr.attr.value, plain)
            return _OUTER.get(kind or "", kind) if base in _BASE else kind
        if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
            return next((k for k in (self.kind_of(e.value) for e in expr.elements) if k is not None), None)
        if isinstance(expr, cst.Dict):
            for element in expr.elements:
                if isinstance(element, cst.DictElement):
                    kind = self.kind_of(element.value) or self.kind_of(element.key)
                    if kind is not None:
                        return kind
            return None
        if isinstance(expr, cst.IfExp):
            return self.kind_of(expr.body) or self.kind_of(expr.orelse)
        if isinstance(expr, cst.BooleanOperation):
            return self.kind_of(expr.left) or self.kind_of(expr.right)
        return None

    def _call_kind(self, expr: cst.Call) -> Optional[str]:
        qualified = self.context.call_name(expr)
        scope = self.context.scope
        here = self.in_handler(scope) or any(s is scope for s in self.finally_scopes)
        if qualified == "sys.exc_info":
            return EXC_INFO if here else OUTER_EXC_INFO
        if qualified == "sys.exception":
            return EXCEPTION if here else OUTER_EXCEPTION
        if qualified == "inspect.currentframe" or qualified in STACK_CALLS:
            return FRAME
        if qualified == "sys._getframe":
            depth = int_value(expr.args[0].value) if expr.args else 0
            return FRAME if depth == 0 else OUTER_FRAME
        if qualified in FRAME_LIST_CALLS and expr.args:
            inner = self.kind_of(expr.args[0].value)
            return inner if inner in (FRAME, OUTER_FRAME, TRACEBACK, OUTER_TRACEBACK) else None
        if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "with_traceback":
            # `e.with_traceback(None)` strips it; another traceback may not reach this frame
            if expr.args and self.kind_of(expr.args[0].value) in (TRACEBACK, OUTER_TRACEBACK):
                return self.kind_of(expr.func.value)
        return None

    def _exit_parameter(self, name: str) -> Optional[str]:
        """`exc_val` / `exc_tb` of `__exit__(self, exc_type, exc_val, exc_tb)` (or
        `__aexit__`): the exception leaving the `with` body and its traceback, whose frames
        are the caller's (the one running the `with`), not this one."""
        binding = self.context.binding(name)
        if binding is None or binding.kind != "param" or binding.scope.name not in ("__exit__", "__aexit__"):
            return None
        node = binding.scope.node
        if not isinstance(node, cst.FunctionDef):
            return None
        params = [p.name.value for p in node.params.params]
        if len(params) < 4 or binding.scope is not self.context.scope:
            return None
        return {params[2]: OUTER_EXCEPTION, params[3]: OUTER_TRACEBACK}.get(name)

    # ------------------------------------------------------------------ assignments
    def visit_Assign(self, node: cst.Assign) -> None:
        kind = self.kind_of(node.value)
        for target in node.targets:
            self._assign(node, target.target, node.value, kind)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assign(node, node.target, node.value, self.kind_of(node.value))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if isinstance(node.target, cst.Name):
            self._assign_name(node, node.target.value, self.kind_of(node.value))

    def _assign(self, node: cst.CSTNode, target: cst.BaseExpression, value: Optional[cst.BaseExpression], kind: Optional[str]) -> None:
        if isinstance(target, cst.Name):
            self._assign_name(node, target.value, kind)
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            elements = [e.value for e in target.elements]
            start = _exc_info_start(value) if kind == EXC_INFO else None
            if start is not None:
                # `t, v, tb = sys.exc_info()` / `v, tb = sys.exc_info()[1:]`: the value and the
                # traceback parts
                parts = (None, EXCEPTION, TRACEBACK)[start:]
                for index, element in enumerate(elements):
                    self._assign(node, element, None, parts[index] if index < len(parts) else None)
            elif isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(elements):
                for t, v in zip(elements, value.elements):
                    self._assign(node, t, v.value, self.kind_of(v.value))
            else:
                for element in elements:
                    self._assign(node, element, None, None)
            return
        if kind is None or kind not in CYCLIC:
            # `state.frame = None`: an attribute of a local object reset
            text = dotted_name(target) if isinstance(target, cst.Attribute) else ""
            root = root_name(target)
            found = binding_scope(root, self.context.scope) if root else None
            if text and found is not None:
                self.clears.setdefault((found, text), []).append(self.seq)
        self.bound.setdefault(id(node), []).append((target, kind))

    def _assign_name(self, node: cst.CSTNode, name: str, kind: Optional[str]) -> None:
        self.bound.setdefault(id(node), []).append((name, kind))
        ctx = self.context
        scope = ctx.scope
        if ctx.function_scope is None:
            return  # module-level code runs once, at import
        key = (scope, name)
        self.assigned[key] = (node, self.seq)
        self.first_assigned.setdefault(key, self.seq)
        if kind is None or (kind not in CYCLIC and name not in scope.global_names):
            # rebound to something else (None, the next frame out, ...): that breaks the cycle
            self.clears.setdefault(key, []).append(self.seq)
            if kind is None:
                self.tainted.pop(key, None)
                return
        if name not in scope.global_names:
            self.tainted[key] = kind

    # ------------------------------------------------------------------ letting go
    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        if ctx.call_name(node) == "traceback.clear_frames":
            self.frames_cleared.add(ctx.scope)
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "clear" and not node.args and isinstance(func.value, cst.Name):
            found = binding_scope(func.value.value, ctx.scope)
            if found is not None:
                self.clears.setdefault((found, func.value.value), []).append(self.seq)

    def visit_Del(self, node: cst.Del) -> None:
        for name in target_names(node.target):
            found = binding_scope(name, self.context.scope) or self.context.scope
            self.clears.setdefault((found, name), []).append(self.seq)


def _subscript(expr: cst.Subscript, base: str) -> Optional[str]:
    element = expr.slice[0].slice
    index = int_value(element.value) if isinstance(element, cst.Index) else None
    if base == EXC_INFO:
        if isinstance(element, cst.Slice):
            upper = int_value(element.upper) if element.upper is not None else None
            return None if upper == 1 else EXC_INFO
        return {0: None, 1: EXCEPTION, 2: TRACEBACK}.get(index, EXC_INFO) if index is not None else EXC_INFO
    if base == FRAME:
        return FRAME if index == 0 else OUTER_FRAME
    return base if base == OUTER_FRAME else None


def _attribute(attr: str, base: str) -> Optional[str]:
    if attr == "__traceback__" and base == EXCEPTION:
        return TRACEBACK
    if attr in ("__cause__", "__context__") and base == EXCEPTION:
        return EXCEPTION
    if attr == "tb_frame" and base == TRACEBACK:
        return FRAME
    if attr == "tb_next" and base == TRACEBACK:
        return OUTER_TRACEBACK  # deeper frames only: no cycle with this one
    if attr == "f_back" and base in (FRAME, OUTER_FRAME):
        return OUTER_FRAME
    if attr == "frame" and base in (FRAME, OUTER_FRAME):
        return base
    return None


def _exc_info_start(value: Optional[cst.BaseExpression]) -> Optional[int]:
    """Which part of `sys.exc_info()` an unpacked value starts at: 0 for the call itself, the
    lower bound of a slice (`sys.exc_info()[1:]`); None for anything else."""
    if isinstance(value, cst.Call):
        return 0
    if isinstance(value, cst.Subscript) and isinstance(value.value, cst.Call) and len(value.slice) == 1:
        element = value.slice[0].slice
        if isinstance(element, cst.Slice) and element.upper is None and element.step is None:
            lower = int_value(element.lower) if element.lower is not None else 0
            return lower if lower is not None and 0 <= lower <= 2 else None
    return None


def _raises(handler: cst.CSTNode) -> bool:
    """The handler's own code (not a nested function's) has a `raise` statement."""
    stack: List[cst.CSTNode] = [handler.body]  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Raise):
            return True
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        stack.extend(children(node))
    return False
