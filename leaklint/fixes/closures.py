"""Fixes for LL104 (a `None` default, the container made in the body) and LL306 (the loop
variable bound when the closure is made)."""

from __future__ import annotations

from typing import List, Optional, Set

import libcst as cst

from ..traverse import all_children
from ..types import Applicability, Fix
from . import FixContext, fixer, make_fix


# ------------------------------------------------------------------------------ LL104
@fixer("LL104", safety="""Unsafe: the default becomes `None` and the body makes a fresh container
when the argument is omitted. Callers that relied on the default being shared between calls
(a deliberate memo) see a different program, and a caller passing `None` on purpose now gets
a new container. No fix for a lambda or a one-line body.""")
def mutable_default(param: cst.CSTNode, ctx: FixContext) -> Optional[Fix]:
    if not isinstance(param, cst.Param) or param.default is None:
        return None
    params = ctx.parent(param)
    fn = ctx.parent(params) if params is not None else None
    if not isinstance(fn, cst.FunctionDef) or not isinstance(fn.body, cst.IndentedBlock):
        return None
    name = param.name.value
    default = ctx.code(param.default)
    new_param = param.with_changes(default=cst.Name("None"))
    guard = cst.parse_statement(f"if {name} is None:\n    {name} = {default}\n")
    body = list(fn.body.body)
    at = 0
    if body and isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1:
        first = body[0].body[0]
        if isinstance(first, cst.Expr) and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString)):
            at = 1  # after the docstring
    new_body = fn.body.with_changes(body=[*body[:at], guard, *body[at:]])
    replaced = fn.with_changes(params=fn.params.deep_replace(param, new_param), body=new_body)
    edit = ctx.replace(fn, replaced)
    return make_fix(f"Default `{name}` to None and create the container in the body", Applicability.UNSAFE, [edit])


# ------------------------------------------------------------------------------ LL306
@fixer("LL306", safety="""Unsafe: each captured loop variable becomes a parameter with a default
(`lambda x=x: ...`), so the closure keeps the value of its own iteration; the callable's
signature grows, and a caller that passes more arguments than before now overrides them. No
fix when the closure is not a lambda or a def made in the loop.""")
def loop_variable(node: cst.CSTNode, ctx: FixContext) -> Optional[Fix]:
    target: Optional[cst.CSTNode] = None
    if isinstance(node, cst.Lambda):
        target = node
    elif isinstance(node, cst.Name):
        parent = ctx.parent(node)
        if isinstance(parent, cst.FunctionDef) and parent.name is node:
            target = parent
        else:
            target = _def_named(ctx, node)
    if target is None:
        return None
    loop_names = _loop_bound(ctx, target)
    if not loop_names:
        return None
    params = target.params
    own = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    if isinstance(params.star_arg, cst.Param):
        own.add(params.star_arg.name.value)
    if params.star_kwarg is not None:
        own.add(params.star_kwarg.name.value)
    body = target.body
    free = _free_names(body, own)
    captured = [n for n in sorted(loop_names) if n in free]
    if not captured:
        return None
    new_params_list = [cst.Param(name=cst.Name(n), default=cst.Name(n), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))) for n in captured]
    if params.star_arg is not cst.MaybeSentinel.DEFAULT and params.star_arg is not None or params.kwonly_params:
        new_params = params.with_changes(kwonly_params=[*params.kwonly_params, *new_params_list])
    else:
        new_params = params.with_changes(params=[*params.params, *new_params_list])
    new_target = target.with_changes(params=new_params)
    if isinstance(target, cst.Lambda) and not params.params and not params.posonly_params and not params.kwonly_params and params.star_arg is cst.MaybeSentinel.DEFAULT and params.star_kwarg is None:
        new_target = new_target.with_changes(whitespace_after_lambda=cst.SimpleWhitespace(" "))
    edit = ctx.replace(target, new_target)
    bound = ", ".join(f"{n}={n}" for n in captured)
    return make_fix(f"Bind the loop variable when the closure is made: `{bound}`", Applicability.UNSAFE, [edit])


def _def_named(ctx: FixContext, name: cst.Name) -> Optional[cst.FunctionDef]:
    """The def, made in the enclosing loop, that `name` refers to."""
    for anc in ctx.ancestors(name):
        if isinstance(anc, (cst.For, cst.While)):
            found = None
            stack: List[cst.CSTNode] = [anc.body]
            while stack:
                node = stack.pop()
                if isinstance(node, cst.FunctionDef):
                    if node.name.value == name.value:
                        found = node
                    continue
                stack.extend(all_children(node))
            return found
        if isinstance(anc, (cst.FunctionDef, cst.ClassDef)):
            return None
    return None


def _loop_bound(ctx: FixContext, node: cst.CSTNode) -> Set[str]:
    """Names (re)bound on each pass of a loop around `node` in the same function: the loop's
    target and the names assigned in its body."""
    out: Set[str] = set()
    for anc in ctx.ancestors(node):
        if isinstance(anc, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            break
        if isinstance(anc, (cst.For, cst.CompFor)):
            out.update(_targets(anc.target))
        if isinstance(anc, (cst.For, cst.While)):
            stack: List[cst.CSTNode] = [anc.body]
            while stack:
                n = stack.pop()
                if isinstance(n, cst.AssignTarget):
                    out.update(_targets(n.target))
                elif isinstance(n, (cst.AugAssign, cst.AnnAssign)):
                    out.update(_targets(n.target))
                elif isinstance(n, (cst.For, cst.CompFor)):
                    out.update(_targets(n.target))
                elif isinstance(n, cst.NamedExpr):
                    out.update(_targets(n.target))
                if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                    continue
                stack.extend(all_children(n))
        if isinstance(anc, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            comp = anc.for_in
            while comp is not None:
                out.update(_targets(comp.target))
                comp = comp.inner_for_in
    return out


def _targets(t: cst.CSTNode) -> List[str]:
    if isinstance(t, cst.Name):
        return [t.value]
    if isinstance(t, (cst.Tuple, cst.List)):
        return [n for e in t.elements for n in _targets(e.value)]
    if isinstance(t, cst.StarredElement):
        return _targets(t.value)
    return []


def _free_names(body: cst.CSTNode, own: Set[str]) -> Set[str]:
    """Names read in `body` that are not its parameters (attribute names excluded); a rough
    free-variable set, enough to know which loop names the closure reads."""
    out: Set[str] = set()
    assigned: Set[str] = set()
    stack: List[cst.CSTNode] = [body]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Attribute):
            stack.append(n.value)
            continue
        if isinstance(n, cst.Arg):
            stack.append(n.value)
            continue
        if isinstance(n, cst.AssignTarget):
            assigned.update(_targets(n.target))
        if isinstance(n, cst.Name):
            out.add(n.value)
            continue
        stack.extend(all_children(n))
    return out - own - assigned
