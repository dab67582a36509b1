"""Shared facts for the growth family (LL1xx): which expressions build containers, which methods
grow or shrink them, which keys come from a closed set, and which decorators are caches."""

from __future__ import annotations

from typing import Dict, Optional, Set, Tuple

import libcst as cst

from ...analysis.containers import (  # noqa: F401  (moved to the analysis layer; the family reads them from here)
    container_kind,
    enclosing_functions,
    is_task_call,
    method_of,
    use_grows,
)
from ...analysis.expr import decorator_short_names, is_closed_key, is_slice, subscript_key  # noqa: F401
from ...analysis.scopes import Context, Scope, resolves_to_module
from ...knowledge.containers import (  # noqa: F401  (the family reads the tables from here)
    CONSTRUCTORS,
    CONSTRUCTOR_TRIGGERS,
    GROW_METHODS,
    ALL_GROW,
    KEYED_METHODS,
    SHRINK_METHODS,
    SHRINK_FUNCTIONS,
    GROW_FUNCTIONS,
    CACHES,
    UNBOUNDED_ONLY,
)
from ...matchers import call_arg, decorator_names, is_none

# module-level aliases of a configured cache decorator: `memoize = functools.lru_cache(maxsize=None)`
CacheAliases = Dict[str, Tuple[str, Optional[cst.Call]]]


def note_cache_alias(ctx: Context, node: cst.Assign, aliases: CacheAliases) -> None:
    """Record `name = functools.lru_cache(...)` / `name = functools.cache` at module level."""
    if ctx.scope.kind != "module" or len(node.targets) != 1:
        return
    target = node.targets[0].target
    if not isinstance(target, cst.Name):
        return
    value = node.value
    call: Optional[cst.Call] = None
    if isinstance(value, cst.Call):
        call, value = value, value.func
    name = ctx.qualified_name(value)
    if name in CACHES:
        aliases[target.value] = (name, call)  # type: ignore[index]
    else:
        aliases.pop(target.value, None)


def cache_decorator(
    ctx: Context, node: cst.FunctionDef, scope: Optional[Scope] = None, aliases: Optional[CacheAliases] = None
) -> Optional[Tuple[str, str, Optional[str], cst.Decorator]]:
    """(qualified name, short name, maxsize text or None when unbounded, decorator) for the
    first cache decorator of `node`, else None. `aliases` adds module-level names bound to a
    cache decorator (seen from a scope where the name is the module's)."""
    for name, decorator, call in decorator_names(ctx, node, scope):
        short = CACHES.get(name)
        if short is None and aliases and decorator_is_alias(ctx, decorator, aliases, scope):
            alias = aliases[decorator.decorator.value]  # type: ignore[attr-defined]
            name, call = alias
            short = CACHES[name]
        if short is None:
            continue
        return name, short, cache_maxsize(name, call), decorator
    return None


def decorator_is_alias(ctx: Context, decorator: cst.Decorator, aliases: CacheAliases, scope: Optional[Scope]) -> bool:
    expr = decorator.decorator
    if not isinstance(expr, cst.Name) or expr.value not in aliases:
        return False
    # the alias is a module-level binding; a local of the same name shadows it
    return resolves_to_module(expr.value, scope or ctx.scope, class_body=False)


def closed_annotation(ctx: Context, annotation: Optional[cst.Annotation], enum_names: Set[str]) -> bool:
    """`bool`, `Literal[...]`, `Optional[bool]`, or an Enum class of this module: a parameter
    whose values come from a closed set."""
    if annotation is None:
        return False
    return _closed_type(ctx, annotation.annotation, enum_names)


def _closed_type(ctx: Context, expr: cst.BaseExpression, enum_names: Set[str]) -> bool:
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        text = expr.evaluated_value
        if isinstance(text, str):
            try:
                return _closed_type(ctx, cst.parse_expression(text), enum_names)
            except cst.ParserSyntaxError:
                return False
        return False
    if isinstance(expr, cst.Name):
        if expr.value in enum_names:
            return True
        return ctx.qualified_name(expr) == "builtins.bool" or expr.value == "bool"
    if isinstance(expr, cst.Attribute):
        return expr.attr.value in enum_names
    if isinstance(expr, cst.Subscript):
        name = ctx.qualified_name(expr.value) or (expr.value.value if isinstance(expr.value, cst.Name) else "")
        if name in ("typing.Literal", "typing_extensions.Literal", "Literal"):
            return True
        if name in ("typing.Optional", "Optional"):
            return all(
                isinstance(s.slice, cst.Index) and _closed_type(ctx, s.slice.value, enum_names) for s in expr.slice
            )
        return False
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
        return all(
            (isinstance(side, cst.Name) and side.value == "None") or _closed_type(ctx, side, enum_names)
            for side in (expr.left, expr.right)
        )
    return False


def cache_maxsize(name: str, call: Optional[cst.Call]) -> Optional[str]:
    """The maxsize of a cache decorator as text, or None for an unbounded cache."""
    if name in UNBOUNDED_ONLY:
        return None
    if call is None:
        return "128"
    arg = call_arg(call, 0, "maxsize")
    if arg is None:
        return "128"
    if is_none(arg.value):
        return None
    if isinstance(arg.value, cst.Integer):
        return arg.value.value
    return "maxsize"


