"""Objects versus values: what a name stored in a long-lived container keeps alive.

A container that lives for the process and is filled from function calls keeps what it is
given. Whether that is a leak depends on *what* it is given:

- a **value** (a string, a number, a type, a tuple of those) is equal to every other copy of
  itself, so a cache keyed by values holds one entry per distinct value, and the values of a
  program are usually a closed set (format strings, encodings, classes, configured names);
- an **object** with a lifetime of its own (a connection, a file, a reader, a callback or bound
  method, the instance itself, anything keyed by `id()`) is what the caller expects to die when
  they drop it; once a process-wide container holds it, it never does, and every object the
  program ever passed in stays alive.

`object_evidence(function)` answers, for the names of the function that stores them, whether the
code shows each to be such an object, and why (a short reason for messages and tests); a name
it does not show is absent. It never guesses from the container: only from how the name is declared
and used in that function.

Where a stored name comes from, read from the scope layer's bindings (no second record of
assignments): `derived_names(scope)` maps each local of a function to the names its
assignments and loops read; `from_input(expr, scope)` says whether `expr` reads a parameter
of the functions around `scope` (`self` included) or a local computed from one;
`loop_targets(scope)` and `identity_locals(scope)` name the locals bound by a `for` (an
element of what was iterated) and by `id(...)` (an identity key).
"""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, Iterator, List, Optional, Set, Union

import libcst as cst

from ..traverse import children
from .expr import all_params, dotted_name, names_in, param_names
from .scopes import Binding, Scope

Function = Union[cst.FunctionDef, cst.Lambda]

# methods every value type has: calling one of these says nothing about object-ness
VALUE_METHODS = frozenset(
    name
    for kind in (str, bytes, int, float, complex, tuple, frozenset, bool)
    for name in dir(kind)
    if not name.startswith("_")
)
# annotations (last dotted segment, subscripts stripped) that declare a value, or say nothing
VALUE_ANNOTATIONS = frozenset(
    {
        "str", "bytes", "int", "float", "complex", "bool", "tuple", "Tuple", "frozenset", "FrozenSet",
        "type", "Type", "None", "Literal", "Hashable", "Any", "object", "Optional", "Union", "Text",
        "AnyStr", "LiteralString", "Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "Pattern",
        "PathLike", "Path", "PurePath", "StrPath", "Sequence", "Iterable", "TypeVar", "Final",
        "ClassVar", "Annotated", "Self", "TypeAlias", "Key", "Name",
    }
)
# parameter names that say the argument is a callable handed in to be called later
CALLBACK_NAME = re.compile(r"^(callback|cb|listener|observer|receiver|subscriber|hook|handler)s?$|_(callback|listener|observer|handler|hook)$|^on_[a-z]")


def _heads(node: cst.BaseExpression) -> List[str]:
    """The classes an annotation admits, last dotted segment: `IO[str]` -> IO, `Optional[Conn]`
    and `Conn | None` -> Conn, None; a string annotation is parsed; `Annotated[X, ...]` -> X."""
    if isinstance(node, cst.SimpleString):
        try:
            return _heads(cst.parse_expression(node.evaluated_value))  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - not an expression: says nothing
            return []
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _heads(node.left) + _heads(node.right)
    if isinstance(node, cst.Subscript):
        head = dotted_name(node.value).rsplit(".", 1)[-1]
        if head in ("Optional", "Union", "Annotated"):
            out: List[str] = []
            for element in node.slice:
                if isinstance(element.slice, cst.Index):
                    out.extend(_heads(element.slice.value))
                if head == "Annotated":
                    break
            return out
        return [head] if head else []
    text = dotted_name(node)
    return [text.rsplit(".", 1)[-1]] if text else []


VALUE_HEADS = frozenset({"str", "bytes", "int", "float", "complex", "bool", "type", "Type", "tuple", "Tuple", "frozenset", "FrozenSet", "Literal", "Text", "AnyStr", "LiteralString"})


def annotated_object(param: cst.Param) -> Optional[str]:
    """`file: IO[Any]`, `reader: MetricReader`, `conn: Optional[Connection]`: an annotation
    whose every admitted class is not a value type (a bare `Any` / `object`, or a union with
    `str`, says nothing). The class name, or None."""
    if param.annotation is None:
        return None
    heads = [h for h in _heads(param.annotation.annotation) if h != "None"]
    if not heads or any(h in VALUE_HEADS for h in heads):
        return None
    others = [h for h in heads if h not in VALUE_ANNOTATIONS]
    return others[0] if others else None


def _uses(function: Function) -> Dict[str, str]:
    """name -> the first object evidence in the function's own body (nested defs included: they
    see the same name)."""
    found: Dict[str, str] = {}
    for param in all_params(function.params):
        name = param.name.value
        annotated = annotated_object(param)
        if annotated is not None:
            found[name] = f"declared as {annotated}"
        elif CALLBACK_NAME.search(name):
            found[name] = "a callback handed in"
    stack: List[cst.CSTNode] = [function.body]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Call):
            func = current.func
            if isinstance(func, cst.Name) and func.value not in found:
                found[func.value] = "called"
            elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
                method = func.attr.value
                owner = func.value.value
                if method not in VALUE_METHODS and owner not in found:
                    found[owner] = f"its method {method}() is called"
        stack.extend(children(current))
    return found


def object_evidence(function: Function) -> Dict[str, str]:
    """The names (parameters, or locals it binds) that the code of `function` shows to be
    objects with their own lifetime rather than values, each with why; a name it does not show
    is absent. Evidence: an annotation that names a non-value class, a parameter named as a
    callback, a call of the name itself, or a call of one of its methods that no value type
    (str, bytes, int, float, tuple, frozenset) has (`connection.register_script(...)`,
    `reader._set_collect_callback(...)`). `self` / `cls` are the caller's business: the rule
    decides what they mean. One walk of the function per call: a rule that asks often keeps
    the answer per function."""
    return _uses(function)


# ------------------------------------------------------------------------------ where a local comes from
def _source(binding: Binding) -> Optional[cst.BaseExpression]:
    """What a binding reads its value from: the whole right-hand side of an assignment (every
    name of `a, b = f(x)` comes from `f(x)`), what a `for` or comprehension iterates."""
    node = binding.node
    if binding.kind in ("assign", "annassign") and isinstance(node, (cst.Assign, cst.AnnAssign)):
        return node.value
    if binding.kind in ("for", "comprehension") and isinstance(node, (cst.For, cst.CompFor)):
        return node.iter
    return None


def _bindings(scope: Scope) -> Iterator[Binding]:
    for name in scope.values:
        yield from scope.history(name)


def derived_names(scope: Scope) -> Dict[str, Set[str]]:
    """local -> the names its assignments (`x = f(a)`, `x: T = a`) and loops (`for x in a`)
    in `scope` read, over the whole function (every binding, in any order)."""
    out: Dict[str, Set[str]] = {}
    for binding in _bindings(scope):
        source = _source(binding)
        if source is not None:
            out.setdefault(binding.name, set()).update(names_in(source))
    return out


def loop_targets(scope: Scope) -> FrozenSet[str]:
    """Locals of `scope` bound by a `for` loop or a comprehension: elements of what they iterate."""
    return frozenset(b.name for b in _bindings(scope) if b.kind in ("for", "comprehension"))


def identity_locals(scope: Scope) -> FrozenSet[str]:
    """Locals of `scope` assigned `id(...)` (`oid = id(obj)`): identity keys."""
    return frozenset(b.name for b in _bindings(scope) if b.kind in ("assign", "annassign") and is_identity(_source(b)))


def is_identity(expr: Optional[cst.BaseExpression]) -> bool:
    """`id(obj)`: a key that pins the object itself."""
    return isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "id"


def from_input(expr: Optional[cst.BaseExpression], scope: Scope, derived: Optional[Dict[int, Dict[str, Set[str]]]] = None) -> bool:
    """`expr` reads a parameter of the functions around `scope` (`self` included), or a local
    computed from one (followed four assignments deep). `derived`: a memo of `derived_names`
    by id(scope), kept by a caller that asks often."""
    if expr is None:
        return False
    inputs: Set[str] = set()
    merged: Dict[str, Set[str]] = {}
    current: Optional[Scope] = scope
    while current is not None:
        if current.is_function:
            node = current.node
            if isinstance(node, (cst.FunctionDef, cst.Lambda)):
                inputs.update(param_names(node.params))
            if derived is None:
                found = derived_names(current)
            else:
                found = derived.get(id(current))
                if found is None:
                    found = derived[id(current)] = derived_names(current)
            for name, sources in found.items():
                merged.setdefault(name, set()).update(sources)
        current = current.parent
    names = set(names_in(expr))
    seen: Set[str] = set()
    for _ in range(4):
        if names & inputs:
            return True
        more: Set[str] = set()
        for name in names - seen:
            more.update(merged.get(name, ()))
        seen |= names
        if not more - seen:
            return False
        names = more - seen
    return False
