"""Fix for LL203: a fixed logger name, the varying part moved into the records' `extra`."""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

import libcst as cst

from ..types import Applicability, Fix
from . import FixContext, dotted, fixer, make_fix

_SEPARATORS = ".-_:/ "


@fixer("LL203", safety="""Unsafe: `logging.getLogger(f"svc.request.{request_id}")` becomes
`logging.LoggerAdapter(logging.getLogger("svc.request"), {"request_id": request_id})`: one
logger for every call, and each record carries the varying part as an attribute
(`%(request_id)s` in a format string). Handlers, levels and filters configured on the old
per-call names no longer apply, and code that needs a `Logger` rather than an adapter
(`addHandler`) breaks. Only for an f-string or a `"prefix" + value` name whose varying parts
are names or attributes, with a non-empty fixed prefix; otherwise there is no fix.""")
def fixed_logger_name(call: cst.CSTNode, ctx: FixContext) -> Optional[Fix]:
    if not isinstance(call, cst.Call) or ctx.qualified(call.func) != "logging.getLogger":
        return None
    if len(call.args) != 1 or call.args[0].keyword not in (None,) or call.args[0].star:
        return None
    split = _split(call.args[0].value)
    if split is None:
        return None
    fixed, parts = split
    keys = []
    for expr in parts:
        name = dotted(expr)
        if name is None:
            return None
        key = name.replace(".", "_")
        if key in keys or not key.isidentifier():
            return None
        keys.append(key)
    if isinstance(call.func, cst.Attribute):
        adapter = cst.Attribute(call.func.value, cst.Name("LoggerAdapter"))
    else:
        module = ctx.local_name_for_module("logging")
        if module is None:
            return None
        adapter = cst.Attribute(cst.Name(module), cst.Name("LoggerAdapter"))
    extra = cst.Dict([cst.DictElement(cst.SimpleString(f'"{k}"'), e) for k, e in zip(keys, parts)])
    new_call = cst.Call(func=adapter, args=[cst.Arg(call.with_changes(args=[cst.Arg(fixed)])), cst.Arg(extra)])
    edit = ctx.replace(call, new_call)
    return make_fix(f"Use one logger named {fixed.value} and pass {', '.join(keys)} in `extra`", Applicability.UNSAFE, [edit])


def _split(arg: cst.BaseExpression) -> Optional[Tuple[cst.SimpleString, List[cst.BaseExpression]]]:
    if isinstance(arg, cst.FormattedString):
        quote = arg.start.lstrip("fFrRbBuU")
        prefix = arg.start[: len(arg.start) - len(quote)]
        literal = ""
        parts: List[cst.BaseExpression] = []
        for piece in arg.parts:
            if isinstance(piece, cst.FormattedStringText):
                if not parts:
                    literal += piece.value
            elif isinstance(piece, cst.FormattedStringExpression):
                if piece.format_spec or piece.conversion:
                    return None
                parts.append(piece.expression)
        literal = literal.rstrip(_SEPARATORS)
        if not literal or not parts or "{" in literal or "}" in literal:
            return None
        new_prefix = re.sub("[fF]", "", prefix)
        return cst.SimpleString(f"{new_prefix}{quote}{literal}{quote}"), parts
    if isinstance(arg, cst.BinaryOperation) and isinstance(arg.operator, cst.Add) and isinstance(arg.left, cst.SimpleString):
        text = arg.left.value
        prefix = text[: len(text) - len(text.lstrip("rRbBuU"))]
        body = text[len(prefix) :]
        quote = body[:3] if body[:3] in ('"""', "'''") else body[0]
        inner = body[len(quote) : len(body) - len(quote)].rstrip(_SEPARATORS)
        if not inner:
            return None
        return cst.SimpleString(f"{prefix}{quote}{inner}{quote}"), [arg.right]
    return None
