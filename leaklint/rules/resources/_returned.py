"""Calls to project functions that return a fresh resource (the lifetime model's
`returns_resource`): `sock = self._new_conn()` makes the caller own a socket as surely as
`socket.create_connection()` would. Read by `Resolver` in `_common`.

Without the project's index (stdin, a single source handed to `lint_source`), the file alone is
indexed, once, the first time a call could be one: what the file shows is still known."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import dotted_name, first_param


def _file_index(ctx: Any, memo: Dict[str, Any]) -> Tuple[Any, str]:
    """(index, module) of the file alone, built once per file (kept in `memo`)."""
    if "index" not in memo:
        from ...analysis.lifetime import ProjectIndex

        memo["index"], memo["module"] = None, ""
        source = getattr(ctx, "source", None)
        if isinstance(source, str):
            path = os.path.basename(getattr(ctx, "path", "") or "") or "example.py"
            try:
                index = ProjectIndex.from_sources({path: source})  # the text as read: no codegen
            except (SyntaxError, ValueError):
                index = None
            if index is not None and index.summaries and not index.summaries[0].error:
                memo["index"], memo["module"] = index, index.summaries[0].module
    return memo["index"], memo["module"]


_BLOCKS = ("body", "orelse", "finalbody", "handlers")


def _returns_value(func: cst.FunctionDef) -> bool:
    """Whether `func` has a `return` of a call's result or of a name among its own statements."""
    stack: List[Any] = [func.body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                value = small.value if isinstance(small, cst.Return) else None
                if isinstance(value, cst.Await):
                    value = value.expression
                if isinstance(value, (cst.Call, cst.Name)):
                    return True
            continue
        for name in _BLOCKS:
            block = getattr(node, name, None)
            if isinstance(block, (list, tuple)):
                stack.extend(block)
            elif block is not None:
                stack.append(block)
    return False


def _returners(ctx: Any, memo: Dict[str, Any]) -> Set[str]:
    """Names of the file's functions and methods (top level and in classes) that return a
    call's result or a name: the only ones the one-file index could find a factory among."""
    if "returners" not in memo:
        out: Set[str] = set()
        module = ctx.module_scope.node if ctx.module_scope is not None else None
        stack: List[Any] = list(module.body) if isinstance(module, cst.Module) else []
        while stack:
            node = stack.pop()
            if isinstance(node, cst.ClassDef):
                stack.extend(node.body.body)
            elif isinstance(node, cst.FunctionDef) and _returns_value(node):
                out.add(node.name.value)
        memo["returners"] = out
    return memo["returners"]


def _own_method(ctx: Any, call: cst.Call) -> Optional[Tuple[str, str]]:
    """("super", m) for `super().m(...)` and ("self", m) for `self.m(...)` in a method of a
    class; None for any other call."""
    func = call.func
    scope = ctx.scope
    if (
        not isinstance(func, cst.Attribute)
        or scope is None
        or scope.kind != "function"
        or scope.parent is None
        or scope.parent.kind != "class"
    ):
        return None
    receiver = func.value
    if isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name) and receiver.func.value == "super":
        return "super", func.attr.value
    if isinstance(receiver, cst.Name) and isinstance(scope.node, cst.FunctionDef) and receiver.value == first_param(scope.node):
        return "self", func.attr.value
    return None


def returned_resource(ctx: Any, call: cst.Call, qualified: Optional[str], memo: Dict[str, Any]) -> Optional[Tuple[str, str]]:
    """(catalogue name of the resource, the called function as written) when `call` calls a
    function or method of the project that returns a fresh resource, else None. `qualified` is
    the call's qualified name as the resolver read it (relative imports made absolute); `memo`
    is the caller's per-file store for the one-file index.

    Without the project's index, the file alone is indexed only when it could answer: the call
    is `super().m()` or `self.m()` in a method, or a call of a bare name, and the file has a
    function or method of that name that returns a call's result or a name (an imported or a
    builtin name is answered only by the project's index)."""
    func = call.func
    own = _own_method(ctx, call)
    project = getattr(ctx, "project", None)
    module = getattr(ctx, "module", "")
    if project is None:
        called = own[1] if own is not None else func.value if isinstance(func, cst.Name) else None
        if called is None or called not in _returners(ctx, memo):
            return None
        project, module = _file_index(ctx, memo)
    if project is None or not module:
        return None
    if own is not None:
        how, method = own
        cls = f"{module}.{ctx.scope.parent.qualname}"
        if how == "super":
            kind = project.super_returns_resource(cls, method)
            return (kind, f"super().{method}") if kind else None
        kind = project.returns_resource(f"{cls}.{method}")
        return (kind, f"{func.value.value}.{method}") if kind else None
    written = dotted_name(func)
    if not written:
        return None
    name = qualified
    if not name or "." not in name or name.startswith("builtins."):
        if not isinstance(func, cst.Name):
            return None
        name = f"{module}.{func.value}"  # a function of this module
    kind = project.returns_resource(name)
    return (kind, written) if kind else None
