"""Whether a logger name takes a bounded set of values (LL203, LL204).

`logging.getLogger(name)` keeps one logger per distinct name for the life of the process, and a
handler added to a logger chosen per call stays with it. So both rules ask one question of the
expression that names the logger: is it one of a bounded set of values (a string constant,
`__name__`, a class or function name, a module-level constant, a label the object was
configured with, a local assigned only from those, string operations over them), or does it
take a new value per call (a request id, a user name)? `is_bounded_name_part` answers it, from
the expression and the scope layer's bindings (`_common.local_values`).

Used by LL203 (dynamic-logger-name) and LL204 (handler-added-per-call).
"""

from __future__ import annotations

import re

import libcst as cst

from ...analysis.scopes import Context, binding_scope
from ._common import WITH_MANAGED, local_values, param_names

BOUNDED_DUNDERS = frozenset(
    {"__name__", "__qualname__", "__module__", "__file__", "__package__", "__spec__", "__class__"}
)
# a parameter with one of these names carries a logger name the caller chose (`get_logger(name)`)
NAME_LIKE_PARAM = re.compile(r"(^|_)(name|names|modname|module|prefix|suffix|qualname|component|category|channel|namespace|logger)$")
STRING_METHODS = frozenset(
    {
        "format", "join", "lower", "upper", "strip", "lstrip", "rstrip", "replace", "split", "rsplit",
        "partition", "rpartition", "removeprefix", "removesuffix", "title", "capitalize", "casefold",
    }
)


def is_bounded_name_part(ctx: Context, expr: cst.BaseExpression, depth: int = 0) -> bool:
    """A piece of a logger name that takes a bounded set of values: a string constant,
    `__name__`, a class or function name (`type(self).__name__`, `cls.__qualname__`), a
    module-level constant, or a local assigned only from those."""
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.Integer)):
        return True
    if isinstance(expr, cst.FormattedString):
        return all(
            is_bounded_name_part(ctx, part.expression, depth + 1)
            for part in expr.parts
            if isinstance(part, cst.FormattedStringExpression)
        )
    if isinstance(expr, cst.Name):
        if expr.value in BOUNDED_DUNDERS:
            return True
        scope = binding_scope(expr.value, ctx.scope)
        if scope is None:
            return False
        if scope.kind == "module":
            return True  # a module-level constant or import
        if scope.is_function and depth < 3:
            node = scope.node
            params = param_names(node.params) if isinstance(node, (cst.FunctionDef, cst.Lambda)) else set()
            values = local_values(scope, expr.value)
            if expr.value in params:
                return bool(NAME_LIKE_PARAM.search(expr.value))
            if not values or any(v is WITH_MANAGED for v in values):
                return False  # (a `with ... as name` target is whatever the block made)
            return all(is_bounded_name_part(ctx, v, depth + 1) for v in values)
        return False
    if isinstance(expr, cst.Attribute):
        if expr.attr.value in BOUNDED_DUNDERS:
            return True
        if NAME_LIKE_PARAM.search(expr.attr.value) and expr.attr.value not in ("name", "names"):
            # `engine.logging_name`, `self.logger_prefix`: a label the object was configured with
            # for naming (one per configured object, not per call); a bare `job.name` is the
            # object's own name, one per object
            return True
        return ctx.qualified_name(expr) is not None  # `settings.LOGGER_NAME`, `mod.CONSTANT`
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.Add, cst.Modulo)):
        return is_bounded_name_part(ctx, expr.left, depth + 1) and is_bounded_name_part(ctx, expr.right, depth + 1)
    if isinstance(expr, (cst.Tuple, cst.List)):
        return all(is_bounded_name_part(ctx, e.value, depth + 1) for e in expr.elements)
    if isinstance(expr, cst.BooleanOperation):
        # `base_name or self.default_name`: one of two bounded values
        return is_bounded_name_part(ctx, expr.left, depth + 1) and is_bounded_name_part(ctx, expr.right, depth + 1)
    if isinstance(expr, cst.Subscript):
        # `name.split(".")[1]`, `parts[-1]`: a constant index of something bounded
        return all(
            isinstance(e.slice, cst.Index) and isinstance(e.slice.value, (cst.Integer, cst.UnaryOperation, cst.SimpleString))
            or isinstance(e.slice, cst.Slice)
            for e in expr.slice
        ) and is_bounded_name_part(ctx, expr.value, depth + 1)
    if isinstance(expr, cst.Call):
        func = expr.func
        args = [a.value for a in expr.args]
        if isinstance(func, cst.Attribute) and func.attr.value in STRING_METHODS:
            return all(is_bounded_name_part(ctx, p, depth + 1) for p in [func.value, *args])
        if isinstance(func, cst.Name) and func.value in ("str", "type") and len(args) == 1:
            return is_bounded_name_part(ctx, args[0], depth + 1)
        # a module-level function of bounded arguments: `_qualified_name(type(obj))`
        if isinstance(func, cst.Name) and args and binding_scope(func.value, ctx.scope) is ctx.module_scope:
            return all(is_bounded_name_part(ctx, a, depth + 1) for a in args)
    return False


LOGGER_FACTORIES = frozenset({"logging.getLogger"})
