"""Expression helpers: one copy each of the small questions every rule asks about an expression.

Everything here is pure (it looks at the nodes it is given, walks nothing larger than an
expression) and knows nothing about names' meanings; resolving a name is `scopes.resolve`.
"""

from __future__ import annotations

from typing import AbstractSet, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import libcst as cst

from ..traverse import children


# ------------------------------------------------------------------------------ names
def dotted_name(node: Union[cst.Attribute, cst.Name, cst.BaseExpression]) -> str:
    """`a.b.c` as text; "" when the expression is not a plain dotted name."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def root_name(expr: cst.BaseExpression, *, through_calls: Union[bool, AbstractSet[str]] = True) -> Optional[str]:
    """The plain name an expression starts from: `a` for `a`, `a.b.c`, `a[0].b`; None when the
    chain does not start at a name (`f().x`, `"s".join`).

    `through_calls`: True follows calls to their callee (`a.b()` -> `a`, the object the call
    is made on); False stops at any call (`a.b()` -> None); a set of method names follows only
    calls of those methods (`{"values", "copy"}`: `a.values()` -> `a`, `a.get()` -> None)."""
    while True:
        if isinstance(expr, (cst.Attribute, cst.Subscript)):
            expr = expr.value
        elif isinstance(expr, cst.Call) and through_calls is not False:
            func = expr.func
            if through_calls is not True and not (isinstance(func, cst.Attribute) and func.attr.value in through_calls):  # type: ignore[operator]
                return None
            expr = func.value if through_calls is not True else func  # type: ignore[union-attr]
        else:
            return expr.value if isinstance(expr, cst.Name) else None


def base_and_first_attribute(expr: cst.BaseExpression) -> Tuple[cst.BaseExpression, Optional[str]]:
    """The innermost object of `a.b[c].d` (through attributes and subscripts) and the attribute
    taken directly from it (`b`; None when a subscript comes first)."""
    first: Optional[str] = None
    while True:
        if isinstance(expr, cst.Attribute):
            first = expr.attr.value
            expr = expr.value
        elif isinstance(expr, cst.Subscript):
            expr = expr.value
            first = None
        else:
            return expr, first


def receiver_key(expr: cst.BaseExpression) -> str:
    """What identifies a container across the module: the last name of `a.b.c` / `c`
    (`self._handlers`, `Cls._handlers` and `_handlers` all give "_handlers")."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    if isinstance(expr, cst.Subscript):
        return receiver_key(expr.value)
    return ""


def target_names(target: cst.CSTNode) -> Iterator[str]:
    """Names bound by an assignment target (`a`, `a, (b, *c)`); attributes and subscripts bind
    nothing."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from target_names(target.value)


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


# ------------------------------------------------------------------------------ parameters
def all_params(params: cst.Parameters) -> Iterator[cst.Param]:
    """Every Param of a parameter list, in order (positional-only, regular, *args, keyword-only,
    **kwargs)."""
    yield from params.posonly_params
    yield from params.params
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg
    yield from params.kwonly_params
    if params.star_kwarg is not None:
        yield params.star_kwarg


def param_names(params: cst.Parameters) -> Iterator[str]:
    """Every name a parameter list binds (positional-only, regular, keyword-only, *args, **kwargs)."""
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        yield param.name.value
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg.name.value
    if params.star_kwarg is not None:
        yield params.star_kwarg.name.value


def first_param(node: cst.FunctionDef) -> Optional[str]:
    params = node.params
    for p in (*params.posonly_params, *params.params):
        return p.name.value
    return None


# ------------------------------------------------------------------------------ calls
def call_method(call: cst.Call) -> Tuple[Optional[cst.BaseExpression], str]:
    """(receiver, method) for `receiver.method(...)`; (None, "") otherwise."""
    if isinstance(call.func, cst.Attribute):
        return call.func.value, call.func.attr.value
    return None, ""


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


def arguments_at(call: cst.Call, places: Sequence[Union[int, str]]) -> List[cst.BaseExpression]:
    """The values `call` passes at `places`: positional indexes, keyword names, or "*" for every
    argument (as `knowledge.registries.ProcessRegistry.callbacks` names them), each once."""
    out: List[cst.BaseExpression] = []
    for place in places:
        if place == "*":
            found = [arg.value for arg in call.args]
        else:
            arg = call_arg(call, place, None) if isinstance(place, int) else call_arg(call, None, place)
            found = [arg.value] if arg is not None else []
        out.extend(value for value in found if not any(value is seen for seen in out))
    return out


def keyword_map(call: cst.Call) -> Dict[str, cst.BaseExpression]:
    return {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}


def positional(call: cst.Call) -> Sequence[cst.BaseExpression]:
    """The positional arguments before the first keyword or star argument."""
    out = []
    for arg in call.args:
        if arg.keyword is not None or arg.star:
            break
        out.append(arg.value)
    return out


def iter_args(call: cst.Call) -> Iterable[cst.BaseExpression]:
    """Every argument's value, positional, keyword and starred."""
    for arg in call.args:
        yield arg.value


# ------------------------------------------------------------------------------ literals
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


def is_constant(node: Optional[cst.CSTNode]) -> bool:
    """A literal that owns nothing: a string (not an f-string), an int or float, None, True,
    False."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)):
        return True
    return isinstance(node, cst.Name) and node.value in ("None", "False", "True")


# ------------------------------------------------------------------------------ text for messages
def short_text(node: cst.CSTNode, limit: int = 40) -> str:
    """Source text of a small expression for a message, whitespace collapsed, cut at `limit`."""
    text = dotted_name(node) if isinstance(node, (cst.Name, cst.Attribute)) else ""
    if not text:
        try:
            text = cst.Module(body=[]).code_for_node(node)
        except Exception:  # pragma: no cover - defensive
            text = type(node).__name__
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_container(expr: cst.BaseExpression) -> str:
    """A container expression named for a message without its keys: `self.cache[...]`,
    `registry.get(...)`; "a container" / "a call" / "an object" when there is no name."""
    text = dotted_name(expr)
    if text:
        return text
    if isinstance(expr, cst.Subscript):
        inner = describe_container(expr.value)
        return f"{inner}[...]" if inner else "a container"
    if isinstance(expr, cst.Attribute):
        inner = describe_container(expr.value)
        return f"{inner}.{expr.attr.value}" if inner else expr.attr.value
    if isinstance(expr, cst.Call):
        inner = describe_container(expr.func)
        return f"{inner}(...)" if inner else "a call"
    return "an object"


def reads_existing_value(expr: Optional[cst.BaseExpression]) -> bool:
    """`self.error`, `ctx.curexc`, `self.cached_result[2]`, `meta["result"]`: an attribute or
    subscript chain down to a plain name, with no call on the way. It reads a value that
    existed before the expression ran and that whatever holds the chain still references: a
    stored value, not one made here (`X(...)`, `f()`, `q.get()`)."""
    if not isinstance(expr, (cst.Attribute, cst.Subscript)):
        return False
    while isinstance(expr, (cst.Attribute, cst.Subscript)):
        if isinstance(expr, cst.Subscript):
            for element in expr.slice:
                inner = element.slice
                if isinstance(inner, cst.Index) and any(isinstance(n, cst.Call) for n in _walk(inner.value)):
                    return False
        expr = expr.value
    return isinstance(expr, cst.Name)


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children(current))


# ------------------------------------------------------------------------------ keys and targets
LITERAL_NAMES = frozenset({"None", "True", "False", "Ellipsis", "NotImplemented"})


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
    """The key of `c[key]` (one index, no slice), else None."""
    if len(node.slice) != 1:
        return None
    element = node.slice[0].slice
    if isinstance(element, cst.Index):
        return element.value
    return None


def is_slice(node: cst.Subscript) -> bool:
    return any(isinstance(s.slice, cst.Slice) for s in node.slice)


def paired_value(target: cst.BaseExpression, value: cst.BaseExpression, name: str) -> Optional[cst.BaseExpression]:
    """The expression `target = value` assigns to `name`, pairing tuple elements one to one
    (`a, b = x, y` gives `b` the `y`); None when `name` is not so paired (the scope layer's
    `Binding.value` is None for every unpacked name)."""
    if isinstance(target, cst.Name):
        return value if target.value == name else None
    found = None
    if isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)):
        if len(target.elements) == len(value.elements):
            for t, v in zip(target.elements, value.elements):
                found = paired_value(t.value, v.value, name) or found  # the last pair wins
    return found


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
