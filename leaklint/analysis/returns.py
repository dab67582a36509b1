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
from typing import Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Set

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


def _own_nodes(fn: ast.AST) -> Iterator[ast.AST]:
    """Nodes of `fn`'s body that belong to `fn` itself (not to a nested function, lambda or
    class), the nested definitions' own nodes excluded."""
    stack: List[ast.AST] = list(getattr(fn, "body", []))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _nested_reads(fn: ast.AST) -> Set[str]:
    """Names read inside a nested function, lambda or class of `fn` (captured)."""
    out: Set[str] = set()
    for node in _own_nodes(fn):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
                    out.add(inner.id)
    return out


def _finished(fn: ast.AST) -> Set[str]:
    """Names `fn` finishes on its normal path (`proc.communicate()`, `f.close()`, `with f:`),
    outside its except handlers: a close in a handler before a re-raise (`except OSError:
    sock.close(); raise`) leaves the returned value open."""
    out: Set[str] = set()
    stack: List[ast.AST] = list(getattr(fn, "body", []))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ExceptHandler)):
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _FINISHING_METHODS:
            if isinstance(node.func.value, ast.Name):
                out.add(node.func.value.id)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            out.update(item.context_expr.id for item in node.items if isinstance(item.context_expr, ast.Name))
        stack.extend(ast.iter_child_nodes(node))
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
    returned: List[ast.AST] = []
    bound: Dict[str, List[ast.AST]] = {}
    kept: Set[str] = set()
    declared: Set[str] = set()
    for node in _own_nodes(fn):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return []  # a generator: the caller gets the generator, not the resource
        if isinstance(node, ast.Return) and node.value is not None:
            returned.append(node.value)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(node.value) if node.value is not None else None
                elif isinstance(target, (ast.Attribute, ast.Subscript)) and isinstance(node.value, ast.Name):
                    kept.add(node.value.id)  # `self.sock = sock`: the object keeps it too
                elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(node.value, ast.Name):
                    kept.add(node.value.id)
            if isinstance(node.value, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
                for element in ast.walk(node.value):
                    if isinstance(element, ast.Name):
                        kept.add(element.id)
        elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            bound.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _STORING_METHODS:
            for arg in list(node.args) + [k.value for k in node.keywords]:
                if isinstance(arg, ast.Name):
                    kept.add(arg.id)

    kept |= _nested_reads(fn) | declared | _finished(fn)
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

