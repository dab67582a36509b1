"""Shared machinery of the closure and frame rules (LL3xx).

- `free_names(node)`: the names a lambda / nested def reads from enclosing scopes (its free
  variables), computed by a small walk of the closure (cached per file on the context).
- `Closure`: a lambda, a nested def or a `functools.partial(...)` and what it captures
  (the locals and parameters of enclosing functions it keeps alive).
- `ClosureTracker`: an intermediate Rule base that remembers, per function scope, which local
  names hold closures (`def cb(): ...`, `cb = lambda: ...`, `cb = partial(...)`), so a sink
  such as `HANDLERS.append(cb)` can see through the name.

Bindings recorded by the engine's context are complete only once a scope has been left, so
rules record candidates during the traversal and decide in `leave_Module`, when `captured()`
sees every binding of every enclosing function.
"""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from ...analysis.expr import (  # noqa: F401  (re-exported for the family's rules)
    call_method,
    describe_container,
    dotted_name,
    iter_args,
    param_names,
    receiver_key,
    root_name,
    string_value,
)
from ...analysis.scopes import LOCAL, Context, Scope, binding_scope, is_function_local
from ...analysis.facts import Fact
from ...knowledge.registries import WEAK_CONTAINERS
from ...rule import Rule
from ...traverse import children

ClosureNode = Union[cst.FunctionDef, cst.Lambda]

PARTIALS = frozenset({"functools.partial"})

# container methods that store their argument(s): method -> positional index of the stored value
STORE_METHODS = {
    "append": 0,
    "add": 0,
    "appendleft": 0,
    "insert": 1,
    "setdefault": 1,
    "extend": 0,  # a literal list / tuple of values
    "extendleft": 0,
}
# container methods that take things out again
SHRINK_METHODS = frozenset({"pop", "popleft", "popitem", "remove", "clear", "discard"})


# ------------------------------------------------------------------------------ free names
class _Acc:
    __slots__ = ("reads", "binds", "globals", "nonlocals")

    def __init__(self) -> None:
        self.reads: Set[str] = set()
        self.binds: Set[str] = set()
        self.globals: Set[str] = set()
        self.nonlocals: Set[str] = set()


def _param_defaults(params: cst.Parameters) -> Iterator[cst.BaseExpression]:
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.default is not None:
            yield param.default


def _cache(ctx: Optional[Context]) -> Dict[cst.CSTNode, FrozenSet[str]]:
    if ctx is None:
        return {}
    return ctx.shared("closures.free_names", dict)


def free_names(node: Union[ClosureNode, cst.ClassDef], ctx: Optional[Context] = None) -> FrozenSet[str]:
    """Names the body of a lambda / def (or a class body) reads but does not bind itself."""
    cache = _cache(ctx)
    found = cache.get(node)
    if found is not None:
        return found
    acc = _Acc()
    if isinstance(node, (cst.FunctionDef, cst.Lambda)):
        acc.binds.update(param_names(node.params))
    _walk(node.body, acc, cache)
    result = frozenset((acc.reads - acc.binds - acc.globals) | acc.nonlocals)
    cache[node] = result
    return result


def _bind_target(target: cst.CSTNode, acc: _Acc, stack: List[cst.CSTNode]) -> None:
    if isinstance(target, cst.Name):
        acc.binds.add(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _bind_target(element.value, acc, stack)
    elif isinstance(target, cst.StarredElement):
        _bind_target(target.value, acc, stack)
    else:  # attribute / subscript targets read their base
        stack.append(target)


def _walk(root: cst.CSTNode, acc: _Acc, cache: Dict[cst.CSTNode, FrozenSet[str]]) -> None:
    stack: List[cst.CSTNode] = [root]
    while stack:
        n = stack.pop()
        t = type(n)
        if t is cst.Name:
            acc.reads.add(n.value)  # type: ignore[attr-defined]
        elif t is cst.Attribute:
            stack.append(n.value)  # type: ignore[attr-defined]
        elif t is cst.Arg:
            stack.append(n.value)  # type: ignore[attr-defined]
        elif t is cst.FunctionDef or t is cst.Lambda:
            if t is cst.FunctionDef:
                acc.binds.add(n.name.value)  # type: ignore[attr-defined]
                stack.extend(d.decorator for d in n.decorators)  # type: ignore[attr-defined]
            stack.extend(_param_defaults(n.params))  # type: ignore[attr-defined]
            key = n
            inner = cache.get(key)
            if inner is None:
                inner = free_names(n, None)  # type: ignore[arg-type]
                cache[key] = inner
            acc.reads.update(inner)
        elif t is cst.ClassDef:
            acc.binds.add(n.name.value)  # type: ignore[attr-defined]
            stack.extend(d.decorator for d in n.decorators)  # type: ignore[attr-defined]
            stack.extend(a.value for a in n.bases)  # type: ignore[attr-defined]
            stack.extend(a.value for a in n.keywords)  # type: ignore[attr-defined]
            inner = cache.get(n)
            if inner is None:
                inner = free_names(n, None)  # type: ignore[arg-type]
                cache[n] = inner
            acc.reads.update(inner)
        elif t is cst.AssignTarget:
            _bind_target(n.target, acc, stack)  # type: ignore[attr-defined]
        elif t is cst.Assign:
            stack.extend(n.targets)  # type: ignore[attr-defined]
            stack.append(n.value)  # type: ignore[attr-defined]
        elif t is cst.AnnAssign:
            _bind_target(n.target, acc, stack)  # type: ignore[attr-defined]
            if n.value is not None:  # type: ignore[attr-defined]
                stack.append(n.value)  # type: ignore[attr-defined]
        elif t is cst.AugAssign:
            target = n.target  # type: ignore[attr-defined]
            if isinstance(target, cst.Name):
                acc.binds.add(target.value)
                acc.reads.add(target.value)
            else:
                stack.append(target)
            stack.append(n.value)  # type: ignore[attr-defined]
        elif t is cst.For:
            _bind_target(n.target, acc, stack)  # type: ignore[attr-defined]
            stack.append(n.iter)  # type: ignore[attr-defined]
            stack.append(n.body)  # type: ignore[attr-defined]
            if n.orelse is not None:  # type: ignore[attr-defined]
                stack.append(n.orelse)  # type: ignore[attr-defined]
        elif t is cst.CompFor:
            _bind_target(n.target, acc, stack)  # type: ignore[attr-defined]
            stack.append(n.iter)  # type: ignore[attr-defined]
            stack.extend(i.test for i in n.ifs)  # type: ignore[attr-defined]
            if n.inner_for_in is not None:  # type: ignore[attr-defined]
                stack.append(n.inner_for_in)  # type: ignore[attr-defined]
        elif t is cst.NamedExpr:
            _bind_target(n.target, acc, stack)  # type: ignore[attr-defined]
            stack.append(n.value)  # type: ignore[attr-defined]
        elif t is cst.Del:
            _bind_target(n.target, acc, stack)  # type: ignore[attr-defined]
        elif t is cst.WithItem:
            stack.append(n.item)  # type: ignore[attr-defined]
            if n.asname is not None:  # type: ignore[attr-defined]
                _bind_target(n.asname.name, acc, stack)  # type: ignore[attr-defined]
        elif t is cst.ExceptHandler or t is cst.ExceptStarHandler:
            if n.type is not None:  # type: ignore[attr-defined]
                stack.append(n.type)  # type: ignore[attr-defined]
            if n.name is not None:  # type: ignore[attr-defined]
                _bind_target(n.name.name, acc, stack)  # type: ignore[attr-defined]
            stack.append(n.body)  # type: ignore[attr-defined]
        elif t is cst.Import:
            for alias in n.names:  # type: ignore[attr-defined]
                if alias.asname is not None:
                    _bind_target(alias.asname.name, acc, stack)
                else:
                    acc.binds.add(dotted_name(alias.name).split(".", 1)[0])
        elif t is cst.ImportFrom:
            if not isinstance(n.names, cst.ImportStar):  # type: ignore[attr-defined]
                for alias in n.names:  # type: ignore[attr-defined]
                    if alias.asname is not None:
                        _bind_target(alias.asname.name, acc, stack)
                    else:
                        acc.binds.add(dotted_name(alias.name))
        elif t is cst.Global:
            acc.globals.update(item.name.value for item in n.names)  # type: ignore[attr-defined]
        elif t is cst.Nonlocal:
            acc.nonlocals.update(item.name.value for item in n.names)  # type: ignore[attr-defined]
        elif t is cst.Annotation:
            continue
        elif t is cst.MatchAs or t is cst.MatchStar:
            if n.name is not None:  # type: ignore[attr-defined]
                acc.binds.add(n.name.value)  # type: ignore[attr-defined]
            if t is cst.MatchAs and n.pattern is not None:  # type: ignore[attr-defined]
                stack.append(n.pattern)  # type: ignore[attr-defined]
        elif t is cst.MatchKeywordElement:
            stack.append(n.pattern)  # type: ignore[attr-defined]
        elif t is cst.MatchMapping:
            if n.rest is not None:  # type: ignore[attr-defined]
                acc.binds.add(n.rest.value)  # type: ignore[attr-defined]
            stack.extend(n.elements)  # type: ignore[attr-defined]
        else:
            stack.extend(children(n))


def names_read(node: cst.CSTNode, ctx: Optional[Context] = None) -> Set[str]:
    """Names an expression reads, including the free names of lambdas inside it."""
    acc = _Acc()
    _walk(node, acc, _cache(ctx))
    return acc.reads


# ------------------------------------------------------------------------------ scopes
# ------------------------------------------------------------------------------ closures
class Closure:
    """A lambda, nested def or functools.partial(...) created in a function."""

    __slots__ = ("kind", "node", "name", "scope", "_free")

    def __init__(self, kind: str, node: cst.CSTNode, scope: Scope, name: str = "") -> None:
        self.kind = kind  # "lambda" | "function" | "partial"
        self.node = node
        self.name = name
        self.scope = scope  # the scope it is defined in
        self._free: Optional[FrozenSet[str]] = None

    def free(self, ctx: Optional[Context] = None) -> FrozenSet[str]:
        if self._free is None:
            if self.kind == "partial":
                assert isinstance(self.node, cst.Call)
                self._free = frozenset(names_read(self.node, ctx))
            else:
                self._free = free_names(self.node, ctx)  # type: ignore[arg-type]
        return self._free

    def captured(self, ctx: Optional[Context] = None) -> List[str]:
        """Function locals / parameters this closure keeps alive (sorted, `self` first)."""
        out = []
        for name in self.free(ctx):
            if name == self.name and self.kind != "partial":
                continue
            # a partial's arguments are evaluated where it is made; a lambda / def runs in a
            # function of its own, which does not see the class body it is written in
            if is_function_local(name, self.scope, class_body=self.kind == "partial"):
                out.append(name)
        return sorted(out, key=lambda n: (n not in ("self", "cls"), n))

    def describe(self) -> str:
        if self.kind == "function":
            return f"nested function {self.name}"
        if self.kind == "partial":
            return "functools.partial"
        return "lambda"


def describe_names(names: Sequence[str], limit: int = 3) -> str:
    shown = list(names[:limit])
    more = len(names) - len(shown)
    text = ", ".join(shown)
    return f"{text} and {more} more" if more > 0 else text


def direct_closure(ctx: Context, expr: cst.BaseExpression) -> Optional[Closure]:
    """A lambda or `functools.partial(...)` written right here (not through a name)."""
    scope = ctx.scope
    if isinstance(expr, cst.Lambda):
        return Closure("lambda", expr, scope)
    if isinstance(expr, cst.Call) and ctx.call_name(expr) in PARTIALS:
        return Closure("partial", expr, scope)
    return None


class ClosureNames(Fact):
    """Which local names hold closures (`def cb(): ...`, `cb = lambda: ...`,
    `cb = partial(...)` in a function), how often each is bound, and how often the module's
    top level calls each module-level function."""

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.named: Dict[Tuple[Scope, str], Closure] = {}
        # (scope, name) -> how many statements bind it so far: a name bound more than once
        # (`value = lambda: ...` in one branch, another value in the next) is not followed
        self.bind_count: Dict[Tuple[Scope, str], int] = {}
        self.module_calls: Dict[str, int] = {}

    # nested defs: `def cb(): ...` in a function
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = self.context.scope
        key = (scope, node.name.value)
        self.bind_count[key] = self.bind_count.get(key, 0) + 1
        if scope.is_function:
            self.named[key] = Closure("function", node, scope, node.name.value)
        elif scope.kind != "module":
            self.named.pop(key, None)

    # module-level calls of module-level functions: `is_finalizing = _make_is_finalizing()`
    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and self.context.function_scope is None:
            name = node.func.value
            self.module_calls[name] = self.module_calls.get(name, 0) + 1

    # `cb = lambda: ...`, `cb = functools.partial(...)`, and rebinding to something else
    def visit_Assign(self, node: cst.Assign) -> None:
        scope = self.context.scope
        if not scope.is_function:
            return
        closure = direct_closure(self.context, node.value)
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                key = (scope, target.target.value)
                self.bind_count[key] = self.bind_count.get(key, 0) + 1
                if closure is not None:
                    self.named[key] = Closure(closure.kind, closure.node, scope, target.target.value)
                else:
                    self.named.pop(key, None)


class ClosureTracker(Rule):
    """Base for rules that need to know which local names hold closures (the `ClosureNames`
    fact, collected once per file by the engine)."""

    requires: Tuple[type, ...] = (ClosureNames,)

    def __init__(self, context: Context, options: object = None) -> None:
        super().__init__(context, options)
        facts = self.fact(ClosureNames)
        self._named = facts.named
        self._bind_count = facts.bind_count
        self._module_calls = facts.module_calls

    def runs_once(self, scope: Optional[Scope]) -> bool:
        """The code belongs to a module-level function that the module calls from its top level
        and never mentions anywhere else: it runs once, at import."""
        outer = None
        while scope is not None and scope.parent is not None:
            if scope.kind == "function" and scope.parent.kind == "module":
                outer = scope
            scope = scope.parent
        if outer is None:
            return False
        calls = self._module_calls.get(outer.name, 0)
        if not calls:
            return False
        mentions = len(re.findall(rf"\b{re.escape(outer.name)}\b", self.context.source))
        return mentions == calls + 1

    def direct_closure(self, expr: cst.BaseExpression) -> Optional[Closure]:
        return direct_closure(self.context, expr)

    def closure_of(self, expr: cst.BaseExpression, partials: bool = True) -> Optional[Closure]:
        """The closure `expr` evaluates to: a lambda / partial here, or a name bound to a
        nested def / lambda / partial in this or an enclosing function."""
        closure = self.direct_closure(expr)
        if closure is not None:
            return closure if partials or closure.kind != "partial" else None
        if isinstance(expr, cst.Name):
            scope = self.context.scope
            found = binding_scope(expr.value, scope)
            if found is not None:
                key = (found, expr.value)
                closure = self._named.get(key)
                if closure is None or self._bind_count.get(key, 0) > 1 or _is_param(found, expr.value):
                    return None
                if partials or closure.kind != "partial":
                    return closure
        return None

    def closures_in(self, expr: cst.BaseExpression, partials: bool = True) -> Iterator[Closure]:
        """Closures `expr` is or directly contains (elements of tuple / list / set / dict
        literals, either branch of a conditional)."""
        closure = self.closure_of(expr, partials)
        if closure is not None:
            yield closure
            return
        if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
            for element in expr.elements:
                yield from self.closures_in(element.value, partials)
        elif isinstance(expr, cst.Dict):
            for element in expr.elements:
                if isinstance(element, cst.DictElement):
                    yield from self.closures_in(element.value, partials)
        elif isinstance(expr, cst.IfExp):
            yield from self.closures_in(expr.body, partials)
            yield from self.closures_in(expr.orelse, partials)


def _is_param(scope: Scope, name: str) -> bool:
    node = scope.node
    if isinstance(node, (cst.FunctionDef, cst.Lambda)):
        return name in set(param_names(node.params))
    return False


def stored_values(call: cst.Call, method: str) -> List[cst.BaseExpression]:
    """The values a container method call stores (`append(x)` -> [x], `insert(i, x)` -> [x],
    `extend([a, b])` -> [a, b])."""
    index = STORE_METHODS.get(method)
    if index is None:
        return []
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    if len(positional) <= index:
        return []
    value = positional[index]
    if method in ("extend", "extendleft"):
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            return [e.value for e in value.elements]
        return []
    return [value]


# ------------------------------------------------------------------------------ storage
CONTAINER_CALLS = {
    "builtins.list": "list",
    "builtins.dict": "dict",
    "builtins.set": "set",
    "collections.defaultdict": "dict",
    "collections.OrderedDict": "dict",
    "collections.Counter": "dict",
    "collections.deque": "deque",
}


def value_kind(ctx: Context, expr: Optional[cst.BaseExpression]) -> str:
    """A word for what a module- or class-level assignment creates: list, dict, set, deque,
    weak (weakref containers), bounded (deque with maxlen), none, object."""
    if expr is None:
        return "object"
    if isinstance(expr, (cst.List, cst.ListComp)):
        return "list"
    if isinstance(expr, (cst.Dict, cst.DictComp)):
        return "dict"
    if isinstance(expr, (cst.Set, cst.SetComp)):
        return "set"
    if isinstance(expr, cst.Name) and expr.value == "None":
        return "none"
    if isinstance(expr, cst.Call):
        name = ctx.call_name(expr)
        if name in WEAK_CONTAINERS:
            return "weak"
        kind = CONTAINER_CALLS.get(name or "")
        if kind == "deque":
            positional = [a for a in expr.args if a.keyword is None]
            if len(positional) >= 2 or any(a.keyword is not None and a.keyword.value == "maxlen" for a in expr.args):
                return "bounded"
        if kind:
            return kind
    return "object"


class StorageRef:
    """Where a sink stores something, as far as the traversal could tell; `resolve()` at the
    end of the module turns it into a description (or None: not long-lived)."""

    __slots__ = ("kind", "text", "key", "class_scope", "module_name")

    def __init__(self, kind: str, text: str, key: str, class_scope: Optional[Scope] = None, module_name: str = "") -> None:
        # kind: module (a module-level name), imported (an imported object), class (a class
        # attribute), selfattr (self.X: long-lived only if X is a class-level container),
        # self (an attribute of self), local (a local / parameter / closure variable)
        self.kind = kind
        self.text = text
        self.key = key
        self.class_scope = class_scope
        self.module_name = module_name


class ContainerStorage(Fact):
    """The module-wide facts that decide whether a container outlives a call: module-level and
    class-level container assignments, containers shrunk or reset anywhere, registries
    something is removed from, monkeypatched attributes and the values saved to restore them."""

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.module_kinds: Dict[str, str] = {}
        self.class_attr_kinds: Dict[Tuple[Scope, str], str] = {}
        self.self_assigned: Set[Tuple[Scope, str]] = set()
        self.shrunk: Set[str] = set()
        self.removed_from: Set[str] = set()
        self.called_names: Set[str] = set()
        # names bound by `import x` / `import x as y` (modules, not objects)
        self.module_imports: Set[str] = set()
        # dotted targets assigned anywhere (`os.listdir = ...`): text -> count
        self.attr_assignments: Dict[str, int] = {}
        # dotted values saved into a variable (`orig = os.listdir`)
        self.saved_values: Set[str] = set()
        # local name -> container key it aliases (`q = self._queue` makes q.pop() shrink _queue)
        self.aliases: Dict[str, str] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.context.scope.kind == "module":
            self.module_kinds[node.name.value] = "class"

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.context.scope.kind == "module":
            self.module_kinds[node.name.value] = "function"

    def visit_Assign(self, node: cst.Assign) -> None:
        ctx = self.context
        scope = ctx.scope
        for target in node.targets:
            self._note_assignment(scope, target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._note_assignment(self.context.scope, node.target, node.value)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.module_imports.add(alias.asname.name.value)
            else:
                self.module_imports.add(dotted_name(alias.name).split(".", 1)[0])

    def _note_assignment(self, scope: Scope, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        ctx = self.context
        if isinstance(target, cst.Attribute):
            text = dotted_name(target)
            if text:
                self.attr_assignments[text] = self.attr_assignments.get(text, 0) + 1
        if value is not None and isinstance(value, cst.Attribute) and isinstance(target, cst.Name):
            text = dotted_name(value)
            if text:
                self.saved_values.add(text)
            self.aliases[target.value] = value.attr.value  # `events = self._events`
        if isinstance(target, cst.Name):
            name = target.value
            if scope.kind == "module":
                self.module_kinds[name] = value_kind(ctx, value)
            elif scope.kind == "class":
                self.class_attr_kinds[(scope, name)] = value_kind(ctx, value)
            elif scope.is_function and name in scope.global_names and _is_reset(ctx, value):
                self.shrunk.add(name)  # a global emptied in a function: `X = []`, `X = None`
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._note_assignment(scope, element.value, None)
        elif isinstance(target, cst.Attribute):
            base = target.value
            cls = self.context.method_class()
            if cls is not None and isinstance(base, cst.Name) and base.value == self_name_of(ctx):
                self.self_assigned.add((cls, target.attr.value))
            fn = ctx.function_scope
            if fn is not None and fn.name != "__init__" and _is_reset(ctx, value):
                self.shrunk.add(target.attr.value)  # Cls.X = [] / self.X = None outside __init__
        elif isinstance(target, cst.Subscript):
            # X[:] = [] empties X
            if scope.is_function and _is_full_slice(target):
                self.shrunk.add(receiver_key(target.value))

    def visit_Del(self, node: cst.Del) -> None:
        for target in _del_targets(node.target):
            if isinstance(target, cst.Subscript):
                self.shrunk.add(receiver_key(target.value))
            elif isinstance(target, (cst.Name, cst.Attribute)):
                self.shrunk.add(receiver_key(target))

    def visit_Call(self, node: cst.Call) -> None:
        receiver, method = call_method(node)
        if receiver is not None:
            if method in SHRINK_METHODS:
                key = receiver_key(receiver)
                self.shrunk.add(key)
                if key in self.aliases:
                    self.shrunk.add(self.aliases[key])
            elif method in UNREGISTER_METHODS:
                self.removed_from.add(receiver_key(receiver))
        name = self.context.call_name(node)
        if name:
            self.called_names.add(name)
        # `setattr(os, "listdir", orig)`, also handed to a cleanup: `addCleanup(setattr, os, "listdir", orig)`
        args = [a.value for a in node.args]
        if name == "builtins.setattr":
            self._note_setattr(args)
        for i, value in enumerate(args):
            if isinstance(value, cst.Name) and value.value == "setattr":
                self._note_setattr(args[i + 1 :])
            elif isinstance(value, cst.Attribute):
                text = dotted_name(value)
                if text:
                    self.saved_values.add(text)  # `patch(os.listdir, ...)`, `addCleanup(restore, os.listdir)`

    def _note_setattr(self, args: Sequence[cst.BaseExpression]) -> None:
        if len(args) >= 2:
            attr = string_value(args[1])
            base = dotted_name(args[0])
            if attr and base:
                text = f"{base}.{attr}"
                self.attr_assignments[text] = self.attr_assignments.get(text, 0) + 1


class StorageTracker(ClosureTracker):
    """Base for rules that ask where a sink stores something and whether that storage outlives
    a call (`storage_of`, `long_lived`), over the `ContainerStorage` fact."""

    requires: Tuple[type, ...] = (ClosureNames, ContainerStorage)

    def __init__(self, context: Context, options: object = None) -> None:
        super().__init__(context, options)
        storage = self.fact(ContainerStorage)
        self.module_kinds = storage.module_kinds
        self.class_attr_kinds = storage.class_attr_kinds
        self.self_assigned = storage.self_assigned
        self.shrunk = storage.shrunk
        self.removed_from = storage.removed_from
        self.called_names = storage.called_names
        self.module_imports = storage.module_imports
        self.attr_assignments = storage.attr_assignments
        self.saved_values = storage.saved_values
        self.aliases = storage.aliases

    # ------------------------------------------------------------------ classification
    def storage_of(self, expr: cst.BaseExpression) -> Optional[StorageRef]:
        """Classify the container / object a sink stores into."""
        ctx = self.context
        scope = ctx.scope
        text = describe_container(expr)
        if isinstance(expr, cst.Name):
            found = binding_scope(expr.value, scope)
            if found is None:
                return None
            if found.kind == "module":
                target = found.bindings.get(expr.value)
                if target == LOCAL:
                    return StorageRef("module", text, expr.value, module_name=expr.value)
                return StorageRef("imported", text, expr.value)
            if found.is_function and found.bindings.get(expr.value) == LOCAL:
                return StorageRef("local", text, expr.value)
            return None
        if isinstance(expr, cst.Subscript):
            inner = self.storage_of(expr.value)
            if inner is None:
                return None
            inner.text = text
            return inner
        if isinstance(expr, cst.Attribute):
            base = expr.value
            attr = expr.attr.value
            if self.is_class_ref(base):
                return StorageRef("class", text, attr)
            me = self_name_of(ctx)
            if me is not None and isinstance(base, cst.Name) and base.value == me:
                return StorageRef("selfattr", text, attr, class_scope=ctx.method_class())
            inner = self.storage_of(base)
            if inner is None:
                return None
            if inner.kind in ("module", "imported", "class"):
                kind = inner.kind if inner.kind != "module" else "imported"
                return StorageRef(kind, text, attr)
            if inner.kind in ("selfattr", "self"):
                return StorageRef("self", text, attr, class_scope=inner.class_scope)
            return StorageRef(inner.kind, text, attr)
        return None

    def is_class_ref(self, expr: cst.BaseExpression) -> bool:
        """`Cls` (a module-level class), `cls` in a classmethod, `type(self)`, `self.__class__`."""
        ctx = self.context
        if isinstance(expr, cst.Name):
            found = binding_scope(expr.value, ctx.scope)
            if found is not None and found.kind == "module" and self.module_kinds.get(expr.value) == "class":
                return True
            return expr.value == cls_name_of(ctx)
        me = self_name_of(ctx)
        if me is None:
            return False
        if isinstance(expr, cst.Call) and ctx.call_name(expr) == "builtins.type" and len(expr.args) == 1:
            value = expr.args[0].value
            return isinstance(value, cst.Name) and value.value == me
        if isinstance(expr, cst.Attribute) and expr.attr.value == "__class__":
            return isinstance(expr.value, cst.Name) and expr.value.value == me
        return False

    def long_lived(self, ref: StorageRef) -> Optional[str]:
        """At the end of the module: a description of `ref` when it outlives any one call
        (None for locals, plain instance attributes, weak or bounded containers)."""
        if ref.kind == "module":
            kind = self.module_kinds.get(ref.module_name, "object")
            if kind in ("weak", "bounded", "class", "function"):
                return None
            word = {"list": "list", "dict": "dict", "set": "set", "deque": "deque"}.get(kind, "object")
            return f"module-level {word} {ref.text}"
        if ref.kind == "imported":
            return f"module attribute {ref.text}"
        if ref.kind == "class":
            return f"class attribute {ref.text}"
        if ref.kind == "selfattr" and ref.class_scope is not None:
            kind = self.class_attr_kinds.get((ref.class_scope, ref.key))
            if kind in ("list", "dict", "set", "deque") and (ref.class_scope, ref.key) not in self.self_assigned:
                return f"class-level {kind} {ref.text} (shared by every instance)"
        return None


UNREGISTER_METHODS = frozenset(
    {
        "unregister", "disconnect", "unsubscribe", "remove_listener", "removeListener", "remove_handler",
        "remove_callback", "remove_observer", "remove_hook", "off", "unlisten", "remove_done_callback",
        "removeHandler", "removeFilter", "remove_signal_handler", "remove_reader", "remove_writer",
        "unbind", "unbind_all", "trace_remove", "deregister",
    }
)


def _is_reset(ctx: Context, value: Optional[cst.BaseExpression]) -> bool:
    """`None`, or a new empty container."""
    if value is None:
        return False
    if isinstance(value, (cst.List, cst.Dict, cst.Set, cst.Tuple)):
        return not value.elements
    if isinstance(value, cst.Call) and not value.args:
        return value_kind(ctx, value) in ("list", "dict", "set", "deque")
    return value_kind(ctx, value) == "none"


def _is_full_slice(target: cst.Subscript) -> bool:
    if len(target.slice) != 1:
        return False
    index = target.slice[0].slice
    return isinstance(index, cst.Slice) and index.lower is None and index.upper is None


def _del_targets(target: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    if isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _del_targets(element.value)
    else:
        yield target


def method_function(ctx: Context) -> Optional[cst.FunctionDef]:
    """The method (a def directly in a class body) the current code runs in, if any."""
    scope: Optional[Scope] = ctx.scope
    while scope is not None and scope.kind != "class":
        if scope.kind == "function" and scope.parent is not None and scope.parent.kind == "class":
            node = scope.node
            return node if isinstance(node, cst.FunctionDef) else None
        scope = scope.parent
    return None


def self_name_of(ctx: Context) -> Optional[str]:
    from ...matchers import self_name

    return self_name(ctx)


def cls_name_of(ctx: Context) -> Optional[str]:
    """Name of `cls` in the current classmethod (or metaclass-style `__new__` / `__init_subclass__`)."""
    from ...matchers import decorator_names, first_param

    fn = method_function(ctx)
    if fn is None:
        return None
    scope: Optional[Scope] = ctx.scope
    while scope is not None and scope.node is not fn:
        scope = scope.parent
    if scope is None or scope.parent is None:
        return None
    names = [n for n, _, _ in decorator_names(ctx, fn, scope.parent)]
    if "builtins.classmethod" in names or "?classmethod" in names or fn.name.value in ("__init_subclass__", "__class_getitem__"):
        return first_param(fn)
    return None
