"""Searches of one statement or function body: the small structural questions several analyses
ask of a body rather than of an expression (`expr`) or of a tracked value's flow (`flow`).

Each is one walk of the part it is given; nested functions, classes and lambdas are left out
where the docstring says so (their code runs at another time).

- `calls_under(node)`: the calls, in source order;
- `inner_blocks(statement)`: the statement lists of an if / elif / else / for / while / with;
- `node_by_id(root, ident)`: the node under `root` whose `id()` is `ident` (flow frames name
  their if / try / loop nodes by id);
- `assigned_names(func)`: the names a function binds by `=` / annotated assignment;
- `names_bound_to(func, values)`: the names bound (`=`, annotated `=`, `:=`, unpacking) to one of
  the given value nodes;
- `call_taking(node, value)`: the call under `node` that gets `value` as an argument;
- `attr_container_of(func, owner, name)`: `owner.<attr>.append(name)` / `.add(name)`: the attr.

Used by the flow queries (`flow.close_on_error_gap`), LL401 and its family-private modules.
"""

from __future__ import annotations

from typing import Container, Iterator, List, Optional, Set

import libcst as cst

from ..traverse import children

_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def calls_under(node: cst.CSTNode) -> List[cst.Call]:
    """The calls under `node` in source order (outer before inner), nested definitions and
    lambdas left out."""
    out: List[cst.Call] = []

    def visit(current: cst.CSTNode) -> None:
        if isinstance(current, _SCOPES):
            return
        if isinstance(current, cst.Call):
            out.append(current)
        for child in children(current):
            visit(child)

    visit(node)
    return out


def inner_blocks(statement: cst.CSTNode) -> List[List[cst.CSTNode]]:
    """The statement lists of an if / elif / else / for / while / with."""
    out: List[List[cst.CSTNode]] = []
    body = getattr(statement, "body", None)
    if isinstance(body, cst.IndentedBlock):
        out.append(list(body.body))
    orelse = getattr(statement, "orelse", None)
    if isinstance(orelse, cst.If):
        out.extend(inner_blocks(orelse))
    elif orelse is not None and isinstance(getattr(orelse, "body", None), cst.IndentedBlock):
        out.append(list(orelse.body.body))
    return out


def node_by_id(root: cst.CSTNode, ident: int) -> Optional[cst.CSTNode]:
    """The node under `root` (or `root` itself) whose `id()` is `ident`."""
    stack: List[cst.CSTNode] = [root]
    while stack:
        node = stack.pop()
        if id(node) == ident:
            return node
        stack.extend(reversed(children(node)))
    return None


def _own_nodes(func: cst.FunctionDef) -> Iterator[cst.CSTNode]:
    """Every node of the body of `func` outside nested functions, classes and lambdas (a
    depth-first walk, later siblings first)."""
    stack: List[cst.CSTNode] = [func.body]
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            continue
        yield node
        stack.extend(children(node))


def assigned_names(func: cst.FunctionDef) -> Set[str]:
    """Names the function binds by plain or annotated assignment to a name (nested scopes
    excluded; unpacking, loops, `with ... as`, `:=` not counted)."""
    out: Set[str] = set()
    for node in _own_nodes(func):
        if isinstance(node, cst.Assign):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    out.add(target.target.value)
        elif isinstance(node, cst.AnnAssign) and isinstance(node.target, cst.Name):
            out.add(node.target.value)
    return out


def names_bound_to(func: cst.FunctionDef, values: Container[int]) -> Set[str]:
    """Names the function binds (`=`, annotated `=`, `:=`, a tuple or list target unpacked one
    level) to a value whose `id()` is in `values` (nested scopes excluded)."""
    out: Set[str] = set()
    for current in _own_nodes(func):
        if isinstance(current, (cst.Assign, cst.AnnAssign, cst.NamedExpr)):
            value = current.value
            if value is not None and id(value) in values:
                targets = [t.target for t in current.targets] if isinstance(current, cst.Assign) else [current.target]
                for target in targets:
                    if isinstance(target, cst.Name):
                        out.add(target.value)
                    elif isinstance(target, (cst.Tuple, cst.List)):
                        out.update(e.value.value for e in target.elements if isinstance(e.value, cst.Name))
    return out


def call_taking(node: cst.CSTNode, value: cst.CSTNode) -> Optional[cst.Call]:
    """The first call under `node` (in source order) that gets `value` itself as an argument."""
    if isinstance(node, cst.Call) and any(a.value is value for a in node.args):
        return node
    for child in children(node):
        found = call_taking(child, value)
        if found is not None:
            return found
    return None


def attr_container_of(func: cst.FunctionDef, owner: str, name: str) -> Optional[str]:
    """`<owner>.<attr>.append(<name>)` (or `add`) in `func` (nested scopes excluded): the attr."""
    for node in _own_nodes(func):
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in ("append", "add")
            and isinstance(node.func.value, cst.Attribute)
            and isinstance(node.func.value.value, cst.Name)
            and node.func.value.value.value == owner
            and len(node.args) == 1
            and isinstance(node.args[0].value, cst.Name)
            and node.args[0].value.value == name
        ):
            return node.func.value.attr.value
    return None
