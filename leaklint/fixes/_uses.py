"""What happens to a name at each of its uses, as much as a fixer needs: is it re-bound, does the
value escape (returned, yielded, stored, captured by a closure), or is it only used in place."""

from __future__ import annotations

from typing import Iterable, List, Optional

import libcst as cst

from . import FixContext, name_uses
from ..traverse import all_children

# methods that keep their argument in the receiver
STORING_METHODS = frozenset({
    "append", "add", "extend", "insert", "setdefault", "put", "put_nowait", "update", "appendleft",
    "enter_context", "push", "callback", "register", "connect", "subscribe", "addHandler",
})
_NESTED = (cst.Lambda, cst.FunctionDef, cst.ClassDef, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_CONTAINERS = (cst.Tuple, cst.List, cst.Set, cst.Element, cst.StarredElement, cst.DictElement, cst.Dict, cst.StarredDictElement)


def is_store(ctx: FixContext, use: cst.Name) -> bool:
    node: cst.CSTNode = use
    parent = ctx.parent(node)
    while isinstance(parent, (cst.Tuple, cst.List, cst.Element, cst.StarredElement)):
        node, parent = parent, ctx.parent(parent)
    if isinstance(parent, (cst.AssignTarget, cst.Del)):
        return True
    if isinstance(parent, (cst.AugAssign, cst.AnnAssign)) and parent.target is node:
        return True
    if isinstance(parent, (cst.For, cst.CompFor)) and parent.target is node:
        return True
    if isinstance(parent, cst.AsName):
        return True
    if isinstance(parent, cst.NamedExpr) and parent.target is node:
        return True
    if isinstance(parent, (cst.Global, cst.Nonlocal, cst.NameItem)):
        return True
    if isinstance(parent, cst.Param):
        return True
    return False


def escapes(ctx: FixContext, use: cst.Name, stop: cst.CSTNode) -> bool:
    """Whether the value named by `use` may outlive the statement it is used in: returned,
    yielded, stored anywhere, put in a container, handed to a storing method, or captured by a
    nested function / lambda / comprehension (below `stop`)."""
    for anc in ctx.ancestors(use):
        if anc is stop:
            break
        if isinstance(anc, _NESTED):
            return True
    node: cst.CSTNode = use
    parent = ctx.parent(node)
    while isinstance(parent, _CONTAINERS):
        node, parent = parent, ctx.parent(parent)
        if isinstance(parent, (cst.Return, cst.Yield, cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Arg)):
            return True
    if isinstance(parent, cst.Attribute) and parent.value is node:
        return False  # fh.read(), fh.name
    if isinstance(parent, (cst.Return, cst.Yield, cst.Await)):
        return True
    if isinstance(parent, (cst.Assign, cst.AnnAssign, cst.NamedExpr)) and getattr(parent, "value", None) is node:
        return True
    if isinstance(parent, cst.AugAssign):
        return True
    if isinstance(parent, cst.Arg):
        call = ctx.parent(parent)
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value in STORING_METHODS:
            return True
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in ("setattr", "id", "partial"):
            return call.func.value != "id"
        return False
    if isinstance(parent, (cst.IfExp, cst.BooleanOperation)):
        return escapes(ctx, parent, stop) if isinstance(parent, cst.Name) else True
    if isinstance(parent, (cst.Subscript, cst.SubscriptElement, cst.Index)):
        # x[...] reads through it; d[x] = ... keys by it (stored)
        return not (isinstance(parent, cst.Subscript) and parent.value is node)
    if isinstance(parent, (cst.Comparison, cst.ComparisonTarget, cst.UnaryOperation, cst.If, cst.While, cst.Expr)):
        return False
    if isinstance(parent, cst.WithItem):
        return False
    return True


def all_uses(node: cst.CSTNode, name: str) -> List[cst.Name]:
    return list(name_uses(node, name))


def contains(nodes: Iterable[cst.CSTNode], kinds: tuple, stop_at_nested: bool = True) -> bool:
    stack = list(nodes)
    while stack:
        current = stack.pop()
        if isinstance(current, kinds):
            return True
        if stop_at_nested and isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        stack.extend(all_children(current))
    return False


def first_param_names(fn: Optional[cst.FunctionDef]) -> List[str]:
    if fn is None:
        return []
    p = fn.params
    out = [x.name.value for x in (*p.posonly_params, *p.params, *p.kwonly_params)]
    if isinstance(p.star_arg, cst.Param):
        out.append(p.star_arg.name.value)
    if p.star_kwarg is not None:
        out.append(p.star_kwarg.name.value)
    return out
