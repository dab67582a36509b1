"""Shared predicates for rules that need the traversal `Context` (decorators, bases, methods,
`self`). Everything here is pure: nothing walks a whole tree. The context-free expression
helpers live in `leaklint.analysis.expr` and the test-code policy in `leaklint.policy` (both
re-exported here for rule packs that import them from this module)."""

from __future__ import annotations

from typing import List, Optional, Tuple

import libcst as cst

from .analysis.expr import (  # noqa: F401  (the expression helpers, re-exported for rule packs)
    call_arg,
    dotted_name,
    first_param,
    int_value,
    is_none,
    keyword_map,
    names_in,
    positional,
    string_value,
)
from .analysis.scopes import Context, Scope
from .policy import TEST_MODULES, in_test_code, in_test_scope, is_test_path  # noqa: F401  (moved to policy)

ENUM_BASES = frozenset(
    {
        "enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag", "enum.ReprEnum",
        "enum.EnumMeta", "enum.EnumType",
    }
)

# Methods that Python calls without an instance (implicit staticmethod / classmethod).
IMPLICIT_NON_INSTANCE = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})


def decorator_expr(decorator: cst.Decorator) -> Tuple[cst.BaseExpression, Optional[cst.Call]]:
    """(callee expression, the Call if the decorator is called): `@a.b(1)` -> (a.b, Call)."""
    expr = decorator.decorator
    if isinstance(expr, cst.Call):
        return expr.func, expr
    return expr, None


def decorator_names(
    ctx: Context, node: cst.FunctionDef, scope: Optional[Scope] = None
) -> List[Tuple[str, cst.Decorator, Optional[cst.Call]]]:
    """Qualified names of a function's decorators, resolved in `scope` (default: the current
    scope, which inside visit_FunctionDef is the scope the function is defined in). A decorator
    that does not resolve through imports is given by its plain dotted text (`property`,
    `self.route`), prefixed with "?" so it can never equal an import target."""
    out = []
    for decorator in node.decorators:
        expr, call = decorator_expr(decorator)
        name = ctx.qualified_name(expr, scope)
        if name is None:
            text = dotted_name(expr)
            name = f"?{text}" if text else "?"
        out.append((name, decorator, call))
    return out


def is_instance_method(ctx: Context, node: cst.FunctionDef, scope: Optional[Scope] = None) -> bool:
    """A def directly in a class body that Python calls with an instance as first argument."""
    scope = scope or ctx.scope
    if scope.kind != "class":
        return False
    if node.name.value in IMPLICIT_NON_INSTANCE:
        return False
    params = node.params
    if not (params.posonly_params or params.params or isinstance(params.star_arg, cst.Param)):
        return False
    for name, _, _ in decorator_names(ctx, node, scope):
        if name in ("builtins.staticmethod", "builtins.classmethod", "?staticmethod", "?classmethod"):
            return False
    return True


def class_bases(ctx: Context, node: cst.ClassDef, scope: Optional[Scope] = None) -> List[str]:
    """Qualified (or plain dotted) names of a class's bases and metaclass."""
    out = []
    for arg in node.bases:
        name = ctx.qualified_name(arg.value, scope) or dotted_name(arg.value)
        if name:
            out.append(name)
    for kw in node.keywords:
        if kw.keyword is not None and kw.keyword.value == "metaclass":
            name = ctx.qualified_name(kw.value, scope) or dotted_name(kw.value)
            if name:
                out.append(name)
    return out


def method_of(ctx: Context, node: cst.FunctionDef) -> Tuple[Optional[cst.ClassDef], Optional[str]]:
    """For a function being visited: the class whose body defines it (None when it is not
    directly in a class body) and the name of `self` when it is an instance method."""
    scope = ctx.scope
    if scope.kind != "class" or not isinstance(scope.node, cst.ClassDef):
        return None, None
    return scope.node, first_param(node) if is_instance_method(ctx, node) else None


def self_name(ctx: Context) -> Optional[str]:
    """Name of `self` in the current method (its first parameter), if we are in one. Works
    inside nested functions and lambdas of the method too."""
    return method_self(ctx, ctx.scope)


def method_self(ctx: Context, scope: Optional[Scope]) -> Optional[str]:
    """`self_name` read from `scope` (after the traversal too: a scope a rule kept)."""
    while scope is not None and scope.kind != "class":
        if scope.kind == "function" and scope.parent is not None and scope.parent.kind == "class":
            node = scope.node
            if isinstance(node, cst.FunctionDef) and is_instance_method(ctx, node, scope.parent):
                return first_param(node)
            return None
        scope = scope.parent
    return None


