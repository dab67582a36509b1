"""Shared predicates for rules. Everything here is pure: it looks at nodes (and, where a name
must be resolved, at the traversal `Context`); nothing here walks a whole tree."""

from __future__ import annotations

import functools
import re
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import libcst as cst

from .context import Context, Scope, dotted_name
from .traverse import children

ENUM_BASES = frozenset(
    {
        "enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag", "enum.ReprEnum",
        "enum.EnumMeta", "enum.EnumType",
    }
)

TEST_DIRS = frozenset({"test", "tests", "testing", "_tests"})
TEST_MODULES = ("unittest", "pytest")
TEST_FUNCTION_NAME = re.compile(r"^(test|setUp|tearDown|asyncSetUp|asyncTearDown|setup_|teardown_)")
TEST_CLASS_NAME = re.compile(r"^Test|Tests?$|TestCase$")


@functools.lru_cache(maxsize=256)
def is_test_path(path: str) -> bool:
    """`test_*.py`, `*_test.py`, `conftest.py`, or a file under a `test` / `tests` / `testing`
    directory: code that runs in a short-lived test process."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(p in TEST_DIRS for p in parts[:-1])
    )


def in_test_code(ctx: Context, scope: Optional[Scope] = None) -> bool:
    """The code is test code: a test file (`is_test_path`), a module that imports unittest or
    pytest (tests and their helpers), or a test function / method of a test class. It runs
    once, in a process that ends with the test run."""
    if is_test_path(ctx.path) or ctx.imports_module(*TEST_MODULES):
        return True
    return in_test_scope(ctx.scope if scope is None else scope)


def in_test_scope(scope: Optional[Scope]) -> bool:
    """`scope` is (or is inside) a test function or a test class."""
    while scope is not None:
        if scope.kind == "function" and TEST_FUNCTION_NAME.search(scope.name):
            return True
        if scope.kind == "class" and TEST_CLASS_NAME.search(scope.name):
            return True
        scope = scope.parent
    return False


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


def first_param(node: cst.FunctionDef) -> Optional[str]:
    params = node.params
    for p in (*params.posonly_params, *params.params):
        return p.name.value
    return None


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


def call_arg(call: cst.Call, position: Optional[int], keyword: Optional[str] = None) -> Optional[cst.Arg]:
    """The argument passed as `keyword=` or at `position` (counting positional args only)."""
    index = 0
    for arg in call.args:
        if arg.keyword is not None:
            if keyword is not None and arg.keyword.value == keyword:
                return arg
            continue
        if arg.star:
            return None  # *args: positions are unknowable from here on
        if position is not None and index == position:
            return arg
        index += 1
    return None


def is_none(node: Optional[cst.BaseExpression]) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def string_value(node: Optional[cst.CSTNode]) -> Optional[str]:
    """The value of a plain (non f-) string literal or implicit concatenation of them."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        if isinstance(value, bytes):
            return None
        return value
    return None


def int_value(node: Optional[cst.CSTNode]) -> Optional[int]:
    if isinstance(node, cst.Integer):
        return int(node.evaluated_value)
    return None


def names_in(node: cst.CSTNode) -> Iterator[str]:
    """Every plain Name read anywhere inside `node` (a small local walk; use on expressions)."""
    stack: List[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            yield current.value
            continue
        if isinstance(current, cst.Attribute):
            stack.append(current.value)  # `.attr` is not a name read
            continue
        stack.extend(children(current))


def self_name(ctx: Context) -> Optional[str]:
    """Name of `self` in the current method (its first parameter), if we are in one. Works
    inside nested functions and lambdas of the method too."""
    scope: Optional[Scope] = ctx.scope
    while scope is not None and scope.kind != "class":
        if scope.kind == "function" and scope.parent is not None and scope.parent.kind == "class":
            node = scope.node
            if isinstance(node, cst.FunctionDef) and is_instance_method(ctx, node, scope.parent):
                return first_param(node)
            return None
        scope = scope.parent
    return None


def keyword_map(call: cst.Call) -> Dict[str, cst.BaseExpression]:
    return {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}


def positional(call: cst.Call) -> Sequence[cst.BaseExpression]:
    out = []
    for arg in call.args:
        if arg.keyword is not None or arg.star:
            break
        out.append(arg.value)
    return out
