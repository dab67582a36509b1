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
        module = ctx.module_scope.node if ctx.module_scope is not None else None
        if isinstance(module, cst.Module):
            path = os.path.basename(getattr(ctx, "path", "") or "") or "example.py"
            try:
                index = ProjectIndex.from_sources({path: module.code})
            except (SyntaxError, ValueError):
                index = None
            if index is not None and index.summaries and not index.summaries[0].error:
                memo["index"], memo["module"] = index, index.summaries[0].module
    return memo["index"], memo["module"]


def returned_resource(ctx: Any, call: cst.Call, qualified: Optional[str], memo: Dict[str, Any]) -> Optional[Tuple[str, str]]:
    """(catalogue name of the resource, the called function as written) when `call` calls a
    function or method of the project that returns a fresh resource, else None. `qualified` is
    the call's qualified name as the resolver read it (relative imports made absolute); `memo`
    is the caller's per-file store for the one-file index."""
    project = getattr(ctx, "project", None)
    module = getattr(ctx, "module", "")
    if project is None:
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
