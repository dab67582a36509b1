"""Calls to project functions that return a fresh resource (the lifetime model's
`returns_resource`): `sock = self._new_conn()` makes the caller own a socket as surely as
`socket.create_connection()` would. Read by `Resolver` in `_common`.

Without the project's index (stdin, a single source handed to `lint_source`), the file alone is
indexed, once, the first time a call could be one: what the file shows is still known."""

from __future__ import annotations

import os
from typing import Any, Dict, Optional, Tuple

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


def _answerable_alone(ctx: Any, call: cst.Call, memo: Dict[str, Any]) -> bool:
    """Whether the file alone could show that `call` returns a fresh resource, so that the
    one-file index is worth building: `super().m()`, `self.m()` in a method of a class of this
    file, or a call of a function or class defined at the top of this file. A call of an
    imported or a builtin name is answered only by the project's index."""
    func = call.func
    if isinstance(func, cst.Attribute):
        receiver = func.value
        if isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name) and receiver.func.value == "super":
            return True
        scope = ctx.scope
        return (
            isinstance(receiver, cst.Name)
            and scope is not None
            and scope.kind == "function"
            and scope.parent is not None
            and scope.parent.kind == "class"
            and isinstance(scope.node, cst.FunctionDef)
            and receiver.value == first_param(scope.node)
        )
    if not isinstance(func, cst.Name):
        return False
    if "top" not in memo:
        module = ctx.module_scope.node if ctx.module_scope is not None else None
        body = module.body if isinstance(module, cst.Module) else ()
        memo["top"] = {stmt.name.value for stmt in body if isinstance(stmt, (cst.FunctionDef, cst.ClassDef))}
    return func.value in memo["top"]


def returned_resource(ctx: Any, call: cst.Call, qualified: Optional[str], memo: Dict[str, Any]) -> Optional[Tuple[str, str]]:
    """(catalogue name of the resource, the called function as written) when `call` calls a
    function or method of the project that returns a fresh resource, else None. `qualified` is
    the call's qualified name as the resolver read it (relative imports made absolute); `memo`
    is the caller's per-file store for the one-file index."""
    project = getattr(ctx, "project", None)
    module = getattr(ctx, "module", "")
    if project is None:
        if not _answerable_alone(ctx, call, memo):
            return None
        project, module = _file_index(ctx, memo)
    if project is None or not module:
        return None
    func = call.func
    scope = ctx.scope
    cls_scope = scope.parent if scope is not None and scope.kind == "function" else None
    cls = f"{module}.{cls_scope.qualname}" if cls_scope is not None and cls_scope.kind == "class" else ""
    if isinstance(func, cst.Attribute):
        receiver = func.value
        if (
            cls
            and isinstance(receiver, cst.Call)
            and isinstance(receiver.func, cst.Name)
            and receiver.func.value == "super"
        ):
            kind = project.super_returns_resource(cls, func.attr.value)
            return (kind, f"super().{func.attr.value}") if kind else None
        if (
            cls
            and isinstance(receiver, cst.Name)
            and isinstance(scope.node, cst.FunctionDef)
            and receiver.value == first_param(scope.node)
        ):
            kind = project.returns_resource(f"{cls}.{func.attr.value}")
            return (kind, f"{receiver.value}.{func.attr.value}") if kind else None
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
