"""Fix for LL302: keep the exception without its traceback, `exc.with_traceback(None)`."""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from ..analysis.expr import reads_existing_value
from ..traverse import all_children
from ..types import Applicability, Fix
from . import FixContext, fixer, make_fix, name_uses


@fixer("LL302", safety="""Unsafe: where the caught exception itself is stored (`errors.append(exc)`,
`self.last_error = exc`, `(key, exc)` in a container), it stores `exc.with_traceback(None)`
instead: the same exception object, with its traceback (and through it the frames and all their
local variables) dropped. Whoever later formats the stored exception gets no stack, and the
exception being handled loses its traceback for the rest of the handler too, so there is no
fix when the handler re-raises it or reads the traceback (`raise`, `logging.exception`,
`traceback.print_exc`, `sys.exc_info()`), when it hands the exception to anything else (a call,
another variable), or when what holds it is raised later (`raise last_error`, `raise errors[0]`,
`raise X(chain=chain)`, `raise self._error` anywhere in the module): a kept-to-be-raised
exception wants its traceback. The tracebacks of exceptions chained to it
(`__context__`, `__cause__`) are kept. No fix for stored tracebacks or frames (`sys.exc_info()`,
`exc.__traceback__`, `inspect.currentframe()`): what to keep instead needs a decision.
Where a stored exception is raised again from a frame that references it (`raise
self._exception`, `err = self.error; raise err`), the `raise` is wrapped in `try: ... finally:
del err, self`, as concurrent.futures, tornado and outcome fixed theirs: the exception, its
traceback and what the caller sees are unchanged, but the frame the traceback keeps no longer
holds the names (a debugger or `capture_locals` inspecting that frame later finds them gone).
No fix when a nested function or lambda of the method uses one of those names, or when the
`raise` shares its line with other statements.""")
def drop_traceback(node: cst.CSTNode, ctx: FixContext) -> Optional[Fix]:
    raised = _drop_names_after_raise(node, ctx)
    if raised is not None or isinstance(node, cst.Raise) or _is_reraise_call(node):
        return raised
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
    if _handed_elsewhere(ctx, handler, exc, stored):
        return None  # another holder would get the exception without its traceback too
    key = _store_key(node)
    if key is None or _raised_later(ctx, node, key):
        return None  # kept to be raised (or chained) later: its traceback is wanted
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


def _store_key(node: cst.CSTNode) -> "Optional[tuple]":
    """What holds the stored exception: ("name", n) for a local or a container named n,
    ("attr", a) for an attribute a (self._error, Registry.failures)."""
    if isinstance(node, cst.Assign):
        if len(node.targets) != 1:
            return None
        target: cst.CSTNode = node.targets[0].target
    elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        target = node.func.value
    else:
        return None
    while isinstance(target, cst.Subscript):
        target = target.value
    if isinstance(target, cst.Name):
        return ("name", target.value)
    if isinstance(target, cst.Attribute):
        return ("attr", target.attr.value)
    return None


def _raised_later(ctx: FixContext, node: cst.CSTNode, key: tuple) -> bool:
    """Whether a `raise` (in the function for a name, in the module for an attribute) mentions
    the holder: `raise last_exc`, `raise errors[0]`, `raise X(chain=chain)`, `raise self._error`,
    `raise ... from saved`."""
    kind, name = key
    scope: cst.CSTNode = ctx.module
    if kind == "name":
        fn = next((a for a in ctx.ancestors(node) if isinstance(a, (cst.FunctionDef, cst.Lambda))), None)
        scope = fn if fn is not None else ctx.module
    stack: List[cst.CSTNode] = [scope]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Raise):
            for part in (current.exc, current.cause.item if current.cause is not None else None):
                if part is not None and _mentions(part, kind, name):
                    return True
        stack.extend(all_children(current))
    return False


def _mentions(node: cst.CSTNode, kind: str, name: str) -> bool:
    stack: List[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if kind == "name" and isinstance(current, cst.Name) and current.value == name:
            return True
        if kind == "attr" and isinstance(current, cst.Attribute) and current.attr.value == name:
            return True
        stack.extend(all_children(current))
    return False


def _handed_elsewhere(ctx: FixContext, handler: cst.ExceptHandler, exc: str, stored: List[cst.Name]) -> bool:
    """Whether the handler passes the exception itself anywhere but the store (an argument, a
    value assigned elsewhere, a return); reading its attributes or formatting it is fine."""
    keep = {id(n) for n in stored}
    for use in name_uses(handler.body, exc):
        if id(use) in keep:
            continue
        parent = ctx.parent(use)
        if isinstance(parent, cst.Attribute) and parent.value is use:
            continue
        if isinstance(parent, (cst.FormattedStringExpression, cst.Comparison, cst.ComparisonTarget, cst.If)):
            continue
        if isinstance(parent, cst.Arg):
            call = ctx.parent(parent)
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in ("str", "repr", "type", "isinstance", "format"):
                continue
        return True
    return False


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
        stack.extend(all_children(node))
    return False


_RERAISERS = frozenset({"reraise", "raise_exc_info", "raise_with_traceback", "raise_"})


def _is_reraise_call(node: cst.CSTNode) -> bool:
    if not isinstance(node, cst.Call):
        return False
    func = node.func
    last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return last in _RERAISERS


def _drop_names_after_raise(node: cst.CSTNode, ctx: FixContext) -> Optional[Fix]:
    """`raise self._exception` (or `reraise(*self._exc_info)`) -> `try: raise ... finally: del
    self`; `err = self.error` ... `raise err` -> `try: raise err finally: del err, self`."""
    fn = ctx.function_of(node)
    if fn is None or not fn.params.params:
        return None
    me = fn.params.params[0].name.value
    if isinstance(node, cst.Raise) or _is_reraise_call(node):
        raise_stmt = ctx.statement_of(node)
        names = [me]
    elif isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name) and reads_existing_value(node.value):
        local = node.targets[0].target.value
        raise_stmt = _raise_of(fn, local)
        names = [local]
        root = node.value
        while isinstance(root, (cst.Attribute, cst.Subscript)):
            root = root.value
        if isinstance(root, cst.Name) and root.value != local and any(p.name.value == root.value for p in fn.params.params):
            names.append(root.value)
    else:
        return None
    if raise_stmt is None or len(raise_stmt.body) != 1 or ctx.block_of(raise_stmt) is None:
        return None
    if any(_used_by_nested_scope(fn, n) for n in names):
        return None
    indent = cst.IndentedBlock
    delete = cst.SimpleStatementLine(
        body=[cst.Del(target=cst.Tuple([cst.Element(cst.Name(n)) for n in names], lpar=[], rpar=[]) if len(names) > 1 else cst.Name(names[0]))]
    )
    wrapped = cst.Try(
        body=indent(body=[raise_stmt.with_changes(leading_lines=[])]),
        finalbody=cst.Finally(body=indent(body=[delete])),
        leading_lines=raise_stmt.leading_lines,
    )
    edit = ctx.replace(raise_stmt, wrapped)
    what = ", ".join(names)
    return make_fix(f"Delete `{what}` in a `finally` around the raise: the traceback then keeps a frame that no longer references the exception", Applicability.UNSAFE, [edit])


def _raise_of(fn: cst.FunctionDef, name: str) -> Optional[cst.SimpleStatementLine]:
    """The one statement line `raise name` of the function's own code, if there is exactly one."""
    found: List[cst.SimpleStatementLine] = []
    stack: List[cst.CSTNode] = [fn.body]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        if isinstance(current, cst.SimpleStatementLine):
            for small in current.body:
                if isinstance(small, cst.Raise) and isinstance(small.exc, cst.Name) and small.exc.value == name and small.cause is None:
                    found.append(current)
            continue
        stack.extend(all_children(current))
    return found[0] if len(found) == 1 else None


def _used_by_nested_scope(fn: cst.FunctionDef, name: str) -> bool:
    stack: List[cst.CSTNode] = all_children(fn.body)
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            if any(True for _ in name_uses(current, name)):
                return True
            continue
        stack.extend(all_children(current))
    return False
