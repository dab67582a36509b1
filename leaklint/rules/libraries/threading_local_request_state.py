from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import root_name
from ...analysis.scopes import Scope, resolves_to_module
from ...matchers import class_bases, positional, string_value
from ...knowledge.registries import WEAK_CONTAINERS
from ...rule import Rule
from ...types import Confidence, Invalid, Valid

LOCALS = frozenset({"threading.local", "_threading_local.local", "_thread._local"})
RESET_VALUES = (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString)
SHRINK_METHODS = frozenset({"pop", "clear", "remove", "popleft", "popitem"})


PRIMITIVE_ANNOTATIONS = frozenset({"bool", "int", "float", "str", "bytes"})
# functions whose assignments to a thread-local end or restore the state
CLEARING_WORDS = ("reset", "clear", "pop", "teardown", "exit", "close", "finish", "restore", "cleanup", "release", "deactivate", "unset", "end")


def _object_params(scope: Optional[Scope]) -> Set[str]:
    """Parameters that can carry a per-call object: not `*args` / `**kwargs`, not annotated as a
    bool / int / str, not defaulting to a literal flag or number."""
    if scope is None or not isinstance(scope.node, (cst.FunctionDef, cst.Lambda)):
        return set()
    params = scope.node.params
    out = set()
    for p in (*params.posonly_params, *params.params, *params.kwonly_params):
        if p.annotation is not None and isinstance(p.annotation.annotation, cst.Name):
            if p.annotation.annotation.value in PRIMITIVE_ANNOTATIONS:
                continue
        if p.default is not None and (
            isinstance(p.default, (cst.Integer, cst.Float, cst.SimpleString))
            or (isinstance(p.default, cst.Name) and p.default.value in ("True", "False"))
        ):
            continue
        out.add(p.name.value)
    return out


def _is_reset(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.Name) and value.value in ("None", "False", "True"):
        return True
    if isinstance(value, RESET_VALUES):
        return True
    if isinstance(value, (cst.List, cst.Tuple, cst.Dict, cst.Set)) and not value.elements:  # type: ignore[union-attr]
        return True
    return False


class ThreadingLocalRequestState(Rule):
    """
    ## What it does
    Checks for module-level `threading.local()` objects (or instances of a `threading.local`
    subclass) whose attributes a function sets to a per-call object, one of its parameters or
    something reached from one (`_state.request = request`, `_state.stack.append(request)`),
    when nothing in the module ever clears that attribute (`del _state.request`,
    `_state.request = None`, `.pop()`, or a restore in a `finally`).

    ## Why is this bad?
    A thread-local attribute lives as long as its thread. Web servers, executors and worker
    pools reuse their threads for the life of the process, so the attribute keeps the last
    request (connection, user, transaction) that each thread served alive, with everything the
    request references (bodies, sessions, database cursors), until that thread happens to serve
    another request; a stack that is pushed and never popped grows with every request. The
    objects are freed only when the thread exits.

    ## Known problems
    Values created inside the function (`_state.conn = connect()`) are treated as deliberate
    per-thread caches, and parameters that carry flags (annotated `bool` / `int` / `str`,
    defaulting to a literal, or read from `**kwargs`) are not followed. A plain setter
    (`def set_request(r): _state.request = r`) is not reported: its callers clear the state by
    calling it with None, often from other modules. Assignments in functions named for ending
    the state (`reset`, `clear`, `pop`, `restore`, `__exit__`, `teardown`, ...) count as
    clearing. Clearing done by another module (a middleware that resets the state) is not
    seen; suppress the finding there.

    ## Fix safety
    There is no automatic fix. Reset the attribute when the call ends, in a `finally`
    (`_state.request = None` or `del _state.request`), or use a `contextvars.ContextVar` with
    `token = var.set(request)` / `var.reset(token)`, which also works for asyncio tasks.

    ## References
    - [threading.local](https://docs.python.org/3/library/threading.html#thread-local-data)
    - [contextvars.ContextVar.reset](https://docs.python.org/3/library/contextvars.html#contextvars.ContextVar.reset)
    """

    code = "LL604"
    name = "threading-local-request-state"
    message = "{local}.{attr} keeps the per-call object {value} alive in each thread until the thread next overwrites it, and nothing in this module clears it"
    stack_message = "{local}.{attr} grows by one per-call object ({value}) per call and nothing in this module removes them, so every thread keeps all the requests it served"
    confidence = Confidence.HIGH
    triggers = ("local",)
    fix_title = "Clear the attribute in a finally (del or reset to None), or use a ContextVar with reset(token)"

    VALID = [
        Valid(
            """
            import threading

            _state = threading.local()

            def handle(request, app):
                _state.request = request
                try:
                    return app(request)
                finally:
                    _state.request = None
            """,
            id="reset-in-finally",
        ),
        Valid(
            """
            import threading

            _state = threading.local()

            def push(request):
                _state.request = request
                _state.user = request.user

            def pop():
                del _state.request
                delattr(_state, "user")
            """,
            id="cleared-in-another-function",
        ),
        Valid(
            """
            import sqlite3
            import threading

            _local = threading.local()

            def connection(path):
                conn = getattr(_local, "conn", None)
                if conn is None:
                    conn = _local.conn = sqlite3.connect(path)
                _local.cache = {}
                return conn
            """,
            id="per-thread-cache-created-here",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import threading

            _state = threading.local()

            def handle(request, app):
                _state.request = request  # LL604
                _state.user = request.user  # LL604
                return app(request)
            """,
            id="request-never-cleared",
        ),
        Invalid(
            """
            from threading import local

            class _RequestState(local):
                request = None

            state = _RequestState()

            class Middleware:
                def __call__(self, environ, start_response):
                    setattr(state, "environ", environ)  # LL604
                    return self.app(environ, start_response)
            """,
            id="subclass-and-setattr",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._local_classes: Set[str] = set()
        self._locals: Set[str] = set()
        self._cleared: Set[Tuple[str, str]] = set()  # (local, attr); attr "*" for everything
        # (node, local, attr, value text, is stack, enclosing function)
        self._sets: List[Tuple[cst.CSTNode, str, str, str, bool, Optional[cst.CSTNode]]] = []
        self._finally = 0
        self._weak_attrs: Set[str] = set()  # attributes that hold weak containers
        # (function scope id, local name) -> (thread-local, attr) it was read from
        self._saved: Dict[Tuple[int, str], Tuple[str, str]] = {}

    # ------------------------------------------------------------------ declarations
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.context.scope.kind != "module":
            return
        bases = class_bases(self.context, node)
        if any(b in LOCALS or b in self._local_classes for b in bases):
            self._local_classes.add(node.name.value)

    def _is_local_ctor(self, value: cst.BaseExpression) -> bool:
        if not isinstance(value, cst.Call):
            return False
        if self.context.qualified_name(value.func) in LOCALS:
            return True
        return isinstance(value.func, cst.Name) and value.func.value in self._local_classes

    def _local_name(self, expr: cst.BaseExpression) -> Optional[str]:
        """The name, when `expr` is a module-level thread-local seen from here."""
        if not (isinstance(expr, cst.Name) and expr.value in self._locals):
            return None
        # a local of the same name shadows it
        return expr.value if resolves_to_module(expr.value, self.context.scope) else None

    def _saved_from(self, value: cst.BaseExpression) -> Optional[Tuple[str, str]]:
        """`_state.request` or `getattr(_state, "request", None)`: (local, attr)."""
        if isinstance(value, cst.Attribute):
            local = self._local_name(value.value)
            return (local, value.attr.value) if local else None
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "getattr":
            args = positional(value)
            if len(args) >= 2:
                local = self._local_name(args[0])
                attr = string_value(args[1])
                if local and attr:
                    return (local, attr)
        return None

    # ------------------------------------------------------------------ helpers
    def _per_call(self, value: cst.BaseExpression) -> Optional[str]:
        """Text of `value` when it is a parameter of the current function or reached from one."""
        scope = self.context.function_scope
        if scope is None:
            return None
        root = root_name(value, through_calls=False)
        if root is None or root not in _object_params(scope):
            return None
        if isinstance(value, cst.Name):
            return value.value
        return cst.Module([]).code_for_node(value)

    def _assign(self, target: cst.BaseExpression, value: cst.BaseExpression, node: cst.CSTNode) -> None:
        ctx = self.context
        if isinstance(target, cst.Name) and ctx.scope.kind == "module" and self._is_local_ctor(value):
            self._locals.add(target.value)
            return
        if isinstance(target, cst.Attribute) and isinstance(value, cst.Call):
            if ctx.qualified_name(value.func) in WEAK_CONTAINERS:
                self._weak_attrs.add(target.attr.value)
        if ctx.function_scope is None:
            return  # module-level initialisation neither sets per-call state nor clears it
        if isinstance(target, cst.Name):
            saved = self._saved_from(value)
            if saved is not None:
                self._saved[(id(ctx.function_scope), target.value)] = saved
            return
        if not isinstance(target, cst.Attribute):
            return
        local = self._local_name(target.value)
        if local is None:
            return
        attr = target.attr.value
        if self._finally or _is_reset(value) or self._is_restore(value, local, attr) or self._in_clearing_function():
            self._cleared.add((local, attr))
            return
        text = self._per_call(value)
        if text is not None:
            self._sets.append((node, local, attr, text, False, self._function()))

    def _in_clearing_function(self) -> bool:
        scope = self.context.function_scope
        name = scope.name.lower() if scope is not None else ""
        return any(word in name for word in CLEARING_WORDS)

    def _is_restore(self, value: cst.BaseExpression, local: str, attr: str) -> bool:
        """`_state.request = previous` where `previous` was read from `_state.request`."""
        scope = self.context.function_scope
        if not isinstance(value, cst.Name) or scope is None:
            return False
        return self._saved.get((id(scope), value.value)) == (local, attr)

    # ------------------------------------------------------------------ visitors
    def visit_Finally(self, node: cst.Finally) -> None:
        self._finally += 1

    def leave_Finally(self, node: cst.Finally) -> None:
        self._finally -= 1

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assign(target.target, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assign(node.target, node.value, node)

    def visit_Del(self, node: cst.Del) -> None:
        targets = [node.target]
        if isinstance(node.target, cst.Tuple):
            targets = [e.value for e in node.target.elements]
        for target in targets:
            while isinstance(target, cst.Subscript):
                target = target.value
            if isinstance(target, cst.Attribute):
                local = self._local_name(target.value)
                if local is not None:
                    self._cleared.add((local, target.attr.value))

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        func = node.func
        args = positional(node)
        if isinstance(func, cst.Name) and func.value in ("setattr", "delattr") and ctx.qualified_name(func) == f"builtins.{func.value}" and len(args) >= 2:
            local = self._local_name(args[0])
            attr = string_value(args[1])
            if local is None or attr is None:
                return
            if func.value == "delattr" or (len(args) > 2 and (_is_reset(args[2]) or self._finally)):
                self._cleared.add((local, attr))
            elif len(args) > 2:
                text = self._per_call(args[2])
                if text is not None:
                    self._sets.append((node, local, attr, text, False, self._function()))
            return
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        owner = func.value
        # _state.__dict__.clear(), vars(_state).clear()
        if method in SHRINK_METHODS:
            if isinstance(owner, cst.Attribute) and owner.attr.value == "__dict__":
                local = self._local_name(owner.value)
                if local is not None:
                    self._cleared.add((local, "*"))
                    return
            if isinstance(owner, cst.Call) and isinstance(owner.func, cst.Name) and owner.func.value == "vars" and owner.args:
                local = self._local_name(owner.args[0].value)
                if local is not None:
                    self._cleared.add((local, "*"))
                    return
            if isinstance(owner, cst.Attribute):
                local = self._local_name(owner.value)
                if local is not None:
                    self._cleared.add((local, owner.attr.value))
            return
        if method in ("append", "add", "appendleft", "insert") and isinstance(owner, cst.Attribute) and args:
            local = self._local_name(owner.value)
            if local is None:
                return
            text = self._per_call(args[-1])
            if text is not None:
                self._sets.append((node, local, owner.attr.value, text, True, self._function()))

    def _function(self) -> Optional[cst.CSTNode]:
        scope = self.context.function_scope
        return scope.node if scope is not None else None

    def _is_setter(self, function: Optional[cst.CSTNode]) -> bool:
        """`def set_x(value): _state.x = value`: a setter whose callers clear the state by
        calling it with None (they may live in other modules)."""
        if not isinstance(function, cst.FunctionDef) or not isinstance(function.body, cst.IndentedBlock):
            return False
        for statement in function.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                return False
            for small in statement.body:
                if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
                    continue
                if isinstance(small, (cst.Pass, cst.Global)):
                    continue
                if isinstance(small, cst.Assign) and all(
                    isinstance(t.target, cst.Attribute) and root_name(t.target, through_calls=False) in self._locals for t in small.targets
                ):
                    continue
                return False
        return True

    def leave_Module(self, node: cst.Module) -> None:
        for site, local, attr, value, stack, function in self._sets:
            if (local, attr) in self._cleared or (local, "*") in self._cleared:
                continue
            if not stack and self._is_setter(function):
                continue
            if stack and attr in self._weak_attrs:
                continue
            if stack:
                self.report(site, message=self.stack_message, local=local, attr=attr, value=value)
            else:
                self.report(site, local=local, attr=attr, value=value)
