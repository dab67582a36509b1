"""Project functions that hand a new resource to their caller.

`def _new_conn(self): sock = socket.create_connection(addr); ...; return sock` makes every caller
of `self._new_conn()` the owner of a socket, exactly as if it had called
`socket.create_connection` itself. The project pass records, per function, the calls whose
result the function returns (`returned_calls`, run on the function's `ast` while the summary is
made); the lifetime model then solves which functions return a resource (`solve_returning`,
to a fixed point, so a chain of helpers is followed), and the resource rules ask it through
`ProjectIndex.returns_resource`.

A function counts only when what it returns is the new object itself and nothing else keeps it:
a local bound from the call and returned is dropped when the function also stores it (an
attribute, a subscript, a container method such as `append`, a `global`), yields it or lets a
nested function capture it, and so is one the function already finished (`proc.communicate()`,
`f.close()`, `with proc:`) before returning it. Generators, `__enter__`, and functions whose result is cached or
managed by a decorator (`lru_cache`, `cached_property`, `contextmanager`, `fixture` ...) are
never counted: their callers do not own a fresh resource.
"""

from __future__ import annotations

import ast
from typing import Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Set, Tuple

# decorators whose function's result the caller does not own (a shared cached object, a
# context manager, a test fixture)
_NOT_OWNED_DECORATORS = ("cache", "memo", "contextmanager", "fixture", "singleton", "once")
_SKIPPED_FUNCTIONS = frozenset({"__enter__", "__aenter__", "__iter__", "__next__", "__aiter__", "__anext__"})
# methods that keep their argument
_STORING_METHODS = frozenset(
    {"append", "appendleft", "add", "insert", "extend", "put", "put_nowait", "setdefault", "register", "update",
     "enter_context", "enter_async_context", "callback", "push", "addCleanup"}
)
# methods after which the object holds nothing open: a value the function finished this way
# before returning it is a finished object, not a fresh resource (`proc.communicate(); return
# proc`)
_FINISHING_METHODS = frozenset(
    {"close", "aclose", "communicate", "wait", "terminate", "kill", "shutdown", "release", "cleanup", "join", "__exit__"}
)
SUPER_PREFIX = "super:"


_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_NESTED_TYPES = frozenset(_NESTED)
# fields of a statement that hold blocks of statements (where a `return` can sit)
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(fn: ast.AST) -> Iterator[ast.AST]:
    """`fn`'s own statements at every depth of its blocks (if / for / while / try / with /
    match), not those of nested definitions: a cheap walk that reads no expressions."""
    stack: List[ast.AST] = list(getattr(fn, "body", []))
    while stack:
        node = stack.pop()
        yield node
        if type(node) in _NESTED_TYPES:
            continue
        for name in _BLOCK_FIELDS:
            block = getattr(node, name, None)
            if block:
                stack.extend(block)


def _returns_something(fn: ast.AST) -> bool:
    """Whether `fn` returns a call's result or a local: the only functions whose returns are
    worth the full walk."""
    for stmt in _statements(fn):
        if type(stmt) is ast.Return:
            value = stmt.value  # type: ignore[attr-defined]
            if value is not None and (type(value) is ast.Name or _made_by(value) is not None):
                return True
    return False


def _reads(nodes: Iterable[ast.AST]) -> Set[str]:
    """Names read anywhere under `nodes`."""
    out: Set[str] = set()
    for node in nodes:
        for inner in ast.walk(node):
            if type(inner) is ast.Name and type(inner.ctx) is ast.Load:  # type: ignore[attr-defined]
                out.add(inner.id)  # type: ignore[attr-defined]
    return out


def _made_by(value: Optional[ast.AST]) -> Optional[ast.Call]:
    """The call whose new result `value` is: `f(...)` or `await f(...)`."""
    if isinstance(value, ast.Await):
        value = value.value
    return value if isinstance(value, ast.Call) else None


def _callee(call: ast.Call, dotted: Callable[[ast.AST], Optional[str]], resolve: Callable[[str], str], cls: str) -> Optional[str]:
    func = call.func
    if (
        cls
        and isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
    ):
        return f"{SUPER_PREFIX}{cls}.{func.attr}"
    text = dotted(func)
    return resolve(text) if text else None


def returned_calls(
    fn: ast.AST, decorators: Iterable[str], dotted: Callable[[ast.AST], Optional[str]], resolve: Callable[[str], str], cls: str = ""
) -> List[str]:
    """The resolved names of the calls whose fresh result `fn` returns to its caller (see the
    module docstring). `resolve` turns a dotted name as written into the project-wide one (the
    summarizer's, with `fn`'s frame current); `cls` is the full name of a method's class, for
    `super().m()`, recorded as `super:<class>.<m>`."""
    name = getattr(fn, "name", "")
    if name in _SKIPPED_FUNCTIONS:
        return []
    if any(any(word in d.rsplit(".", 1)[-1].lower() for word in _NOT_OWNED_DECORATORS) for d in decorators):
        return []
    if not _returns_something(fn):
        return []
    returned: List[ast.AST] = []
    bound: Dict[str, List[ast.AST]] = {}
    kept: Set[str] = set()
    nested: List[ast.AST] = []
    # one walk of `fn`'s own nodes (nested definitions are set aside, read only when a returned
    # local needs it); `in_handler`: inside an except handler, where finishing a value before a
    # re-raise leaves the returned one open
    stack: List[Tuple[ast.AST, bool]] = [(node, False) for node in getattr(fn, "body", [])]
    while stack:
        node, in_handler = stack.pop()
        kind = type(node)
        if kind in _NESTED_TYPES:
            nested.append(node)
            continue
        if kind is ast.Yield or kind is ast.YieldFrom:
            return []  # a generator: the caller gets the generator, not the resource
        if kind is ast.Return and node.value is not None:  # type: ignore[attr-defined]
            returned.append(node.value)  # type: ignore[attr-defined]
        elif kind is ast.Global or kind is ast.Nonlocal:
            kept.update(node.names)  # type: ignore[attr-defined]
        elif kind is ast.Assign or kind is ast.AnnAssign:
            value = node.value  # type: ignore[attr-defined]
            for target in node.targets if kind is ast.Assign else [node.target]:  # type: ignore[attr-defined]
                if type(target) is ast.Name:
                    if value is not None:
                        bound.setdefault(target.id, []).append(value)
                elif type(value) is ast.Name:
                    kept.add(value.id)  # `self.sock = sock`, `a, b = pair`: something else keeps it
            if isinstance(value, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
                kept.update(e.id for e in ast.walk(value) if type(e) is ast.Name)  # type: ignore[attr-defined]
        elif kind is ast.NamedExpr and type(node.target) is ast.Name:  # type: ignore[attr-defined]
            bound.setdefault(node.target.id, []).append(node.value)  # type: ignore[attr-defined]
        elif kind is ast.Call and type(node.func) is ast.Attribute:  # type: ignore[attr-defined]
            method = node.func.attr  # type: ignore[attr-defined]
            if method in _STORING_METHODS:
                args = [*node.args, *(k.value for k in node.keywords)]  # type: ignore[attr-defined]
                kept.update(a.id for a in args if type(a) is ast.Name)
            elif method in _FINISHING_METHODS and not in_handler and type(node.func.value) is ast.Name:  # type: ignore[attr-defined]
                kept.add(node.func.value.id)  # type: ignore[attr-defined]  # finished on the normal path
        elif (kind is ast.With or kind is ast.AsyncWith) and not in_handler:
            kept.update(i.context_expr.id for i in node.items if type(i.context_expr) is ast.Name)  # type: ignore[attr-defined]
        inner = in_handler or kind is ast.ExceptHandler
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))
    if any(type(v) is ast.Name and v.id in bound and v.id not in kept for v in returned):  # type: ignore[attr-defined]
        kept |= _reads(nested)  # captured by a nested function
    out: List[str] = []
    for value in returned:
        calls: List[ast.Call] = []
        direct = _made_by(value)
        if direct is not None:
            calls.append(direct)
        elif isinstance(value, ast.Name) and value.id not in kept and value.id in bound:
            for source in bound[value.id]:
                made = _made_by(source)
                if made is not None:
                    calls.append(made)
        for call in calls:
            callee = _callee(call, dotted, resolve, cls)
            if callee and callee not in out:
                out.append(callee)
    return out


def solve_returning(
    returns: Mapping[str, List[str]],
    is_resource: Callable[[str], Optional[str]],
    function_name: Callable[[str], Optional[str]],
    super_method: Callable[[str, str, str], Optional[str]],
) -> Dict[str, str]:
    """function full name -> the catalogue name of the resource it returns, to a fixed point.

    `returns` maps each project function to the names its `returned_calls` recorded;
    `is_resource` says which name is a known resource (the catalogue), `function_name` resolves
    a name to a project function (methods through the class hierarchy), and
    `super_method(cls, method, fn)` resolves `super().method` in a method of `cls`."""
    found: Dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for fn, callees in returns.items():
            if fn in found:
                continue
            for callee in callees:
                kind = _kind(callee, fn, found, is_resource, function_name, super_method)
                if kind:
                    found[fn] = kind
                    changed = True
                    break
    return found


def _kind(
    callee: str,
    fn: str,
    found: Mapping[str, str],
    is_resource: Callable[[str], Optional[str]],
    function_name: Callable[[str], Optional[str]],
    super_method: Callable[[str, str, str], Optional[str]],
) -> Optional[str]:
    if callee.startswith(SUPER_PREFIX):
        owner, _, method = callee[len(SUPER_PREFIX):].rpartition(".")
        target = super_method(owner, method, fn)
        return found.get(target) if target else None
    kind = is_resource(callee)
    if kind:
        return kind
    target = function_name(callee)
    if target is not None and target != fn:
        return found.get(target)
    return None

