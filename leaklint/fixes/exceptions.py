"""Fix for LL302: keep the exception without its traceback, `exc.with_traceback(None)`."""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from ..types import Applicability, Fix
from . import FixContext, fixer, make_fix, name_uses


@fixer("LL302", safety="""Unsafe: where the caught exception itself is stored (`errors.append(exc)`,
`self.last_error = exc`, `(key, exc)` in a container), it stores `exc.with_traceback(None)`
instead: the same exception object, with its traceback (and through it the frames and all their
local variables) dropped. Whoever later formats the stored exception gets no stack, and the
exception being handled loses its traceback for the rest of the handler too, so there is no
fix when the handler re-raises it or reads the traceback (`raise`, `logging.exception`,
`traceback.print_exc`, `sys.exc_info()`). The tracebacks of exceptions chained to it
(`__context__`, `__cause__`) are kept. No fix for stored tracebacks or frames (`sys.exc_info()`,
`exc.__traceback__`, `inspect.currentframe()`): what to keep instead needs a decision.""")
def drop_traceback(node: cst.CSTNode, ctx: FixContext) -> Optional[Fix]:
    handler = next((a for a in ctx.ancestors(node) if isinstance(a, cst.ExceptHandler)), None)
    if handler is None or handler.name is None or not isinstance(handler.name.name, cst.Name):
        return None
    for anc in ctx.ancestors(node):
        if anc is handler:
            break
        if isinstance(anc, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            return None
    exc = handler.name.name.value
    if isinstance(node, cst.Assign):
        values: List[cst.CSTNode] = [node.value]
    elif isinstance(node, cst.Call):
        values = [a.value for a in node.args]
    else:
        return None
    stored: List[cst.Name] = []
    for value in values:
        stored.extend(_stored_names(value, exc))
    if not stored or _reads_traceback(handler, exc):
        return None
    changes = [(n, cst.Call(func=cst.Attribute(n, cst.Name("with_traceback")), args=[cst.Arg(cst.Name("None"))])) for n in stored]
    edit = ctx.replace_many(changes)
    return make_fix(f"Store `{exc}.with_traceback(None)`: the exception without the frames its traceback keeps", Applicability.UNSAFE, [edit])


def _stored_names(value: cst.CSTNode, exc: str) -> List[cst.Name]:
    """`exc` itself, or `exc` as an element of a tuple / list literal."""
    if isinstance(value, cst.Name) and value.value == exc:
        return [value]
    if isinstance(value, (cst.Tuple, cst.List)):
        out: List[cst.Name] = []
        for el in value.elements:
            out.extend(_stored_names(el.value, exc))
        return out
    return []


_TRACEBACK_READERS = ("exception", "print_exc", "format_exc", "exc_info", "print_exception", "format_exception", "with_traceback", "__traceback__")


def _reads_traceback(handler: cst.ExceptHandler, exc: str) -> bool:
    stack: List[cst.CSTNode] = [handler.body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Raise) and (node.exc is None or any(True for _ in name_uses(node.exc, exc))):
            return True
        if isinstance(node, cst.Name) and node.value in _TRACEBACK_READERS:
            return True
        if isinstance(node, cst.Attribute) and node.attr.value in _TRACEBACK_READERS:
            return True
        if isinstance(node, cst.Arg) and node.keyword is not None and node.keyword.value == "exc_info":
            return True
        stack.extend(node.children)
    return False
