"""Shared facts for the growth family (LL1xx): which expressions build containers, which methods
grow or shrink them, which keys come from a closed set, and which decorators are caches."""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Set, Tuple

import libcst as cst

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

LITERAL_NAMES = frozenset({"None", "True", "False", "Ellipsis", "NotImplemented"})


def container_kind(ctx: Context, node: Optional[cst.BaseExpression], scope: Optional[Scope] = None) -> Optional[Tuple[str, str]]:
    """(kind, family) if `node` builds a fresh, growable, strongly-referencing container:
    a literal or comprehension, or a call of a known constructor (`deque` only without maxlen).
    None for anything else (weakref containers, bounded deques, unknown calls)."""
    if isinstance(node, (cst.Dict, cst.DictComp)):
        return ("dict", "dict")
    if isinstance(node, (cst.List, cst.ListComp)):
        return ("list", "list")
    if isinstance(node, (cst.Set, cst.SetComp)):
        return ("set", "set")
    if isinstance(node, cst.Call):
        name = ctx.qualified_name(node.func, scope)
        found = CONSTRUCTORS.get(name or "")
        if found is None:
            return None
        if found[0] == "deque":
            maxlen = call_arg(node, 1, "maxlen")
            if maxlen is not None and not is_none(maxlen.value):
                return None
            if any(a.star for a in node.args):
                return None
        return found
    return None


def is_closed_key(node: Optional[cst.BaseExpression]) -> bool:
    """A key from a closed set: a literal, a tuple of literals, an enum-style member
    (`Color.RED`), or an UPPER_CASE constant."""
    if node is None:
        return False
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(node, cst.UnaryOperation):
        return is_closed_key(node.expression)
    if isinstance(node, cst.Name):
        return node.value in LITERAL_NAMES or _is_constant_name(node.value)
    if isinstance(node, cst.Attribute):
        return _is_constant_name(node.attr.value)
    if isinstance(node, cst.Tuple):
        return all(is_closed_key(e.value) for e in node.elements)
    return False


def _is_constant_name(name: str) -> bool:
    stripped = name.strip("_")
    return bool(stripped) and stripped.isupper()


def subscript_key(node: cst.Subscript) -> Optional[cst.BaseExpression]:
    if len(node.slice) != 1:
        return None
    element = node.slice[0].slice
    if isinstance(element, cst.Index):
        return element.value
    return None


def is_slice(node: cst.Subscript) -> bool:
    return any(isinstance(s.slice, cst.Slice) for s in node.slice)


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


def use_grows(family: str, kind: str, what: str, method: Optional[str]) -> bool:
    """Whether a use of a container (`what`: grow_inner, grow_aug, grow_method, grow_func,
    grow_item, read_item) adds to a container of that family / kind."""
    if what in ("grow_inner", "grow_aug"):
        return True
    if what == "grow_method":
        return method in GROW_METHODS[family]
    if what == "grow_func":
        return family in ("list", "deque")
    if what == "grow_item":
        return family == "dict"
    if what == "read_item":
        return kind == "defaultdict"
    return False


def enclosing_functions(scope: Optional[Scope]) -> Iterator[Scope]:
    """The function (and lambda) scopes around `scope`, innermost first (class scopes skipped:
    a method's body cannot see the class body)."""
    while scope is not None:
        if scope.is_function:
            yield scope
        scope = scope.parent


def method_of(scope: Optional[Scope]) -> Optional[Scope]:
    """The method (function directly in a class) whose body contains `scope`, through nested
    functions and lambdas."""
    while scope is not None and scope.is_function:
        if scope.kind == "function" and scope.parent is not None and scope.parent.kind == "class":
            return scope
        scope = scope.parent
    return None


def decorator_short_names(node: cst.FunctionDef) -> List[str]:
    """Last dotted component of every decorator (`staticmethod`, `classmethod`, `setter`)."""
    out = []
    for decorator in node.decorators:
        expr = decorator.decorator
        if isinstance(expr, cst.Call):
            expr = expr.func
        if isinstance(expr, cst.Name):
            out.append(expr.value)
        elif isinstance(expr, cst.Attribute):
            out.append(expr.attr.value)
    return out


TASK_FACTORIES = frozenset(
    {"asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task", "asyncio.tasks.ensure_future"}
)


def is_task_call(ctx: Context, expr: Optional[cst.BaseExpression]) -> bool:
    """`asyncio.create_task(...)`, `asyncio.ensure_future(...)`, `<anything>.create_task(...)`."""
    if not isinstance(expr, cst.Call):
        return False
    if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "create_task":
        return True
    return ctx.qualified_name(expr.func) in TASK_FACTORIES
