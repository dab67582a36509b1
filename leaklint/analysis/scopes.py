"""Scopes and bindings, with their values, and the one name resolution (`resolve`).

The traversal context the engine keeps for every rule: scopes, bindings and import aliases.

One `Context` lives for one file. Two small visitors maintain it during the single batched
traversal: `_Enter` runs before every rule on each node and `_Leave` after every rule, so that
inside a rule's `visit_FunctionDef` / `leave_FunctionDef` the current scope is the scope the
function is *defined in*, and everywhere inside the function's body it is the function's own.

Name resolution is a light alias table rather than libcst's QualifiedNameProvider (which costs
about five times a parse): imports bind a name to a dotted target, every other binding makes a
name local, and lookups follow Python's rules (class scopes are not visible from methods,
`global` / `nonlocal` declarations are honoured, unbound names fall back to builtins).
Bindings are recorded in source order; a name rebound later in the same scope is seen as the
import until the rebinding statement is reached. That is exact for the usual layout (imports at
the top) and errs toward *not* resolving, which keeps rules quiet rather than noisy.

Every binding is also recorded with what it binds (`Binding`: the assigned value, the `with`
item, the parameter, the import target), so a rule asks `ctx.binding(name)` instead of
re-recording assignments in its own `visit_Assign`. Each binding carries the engine's clock
(`seq`), so `resolve(name, at, before=seq)` answers "what did `name` mean when that binding
was made".
"""

from __future__ import annotations

import builtins
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple, Type, TypeVar

import libcst as cst

from .expr import all_params, dotted_name, param_names, target_names

_BUILTINS = frozenset(dir(builtins))

T = TypeVar("T")

# Marker for a binding that is not an import: the name is a local variable of that scope.
LOCAL = ""


class Binding:
    """One binding of a name in a scope, with what it binds.

    `kind`: "import", "def", "class", "param", "assign", "annassign", "augassign", "walrus",
    "for", "comprehension", "with", "except", "match".
    `target`: the dotted import target for imports, LOCAL ("") for every other binding.
    `node`: the statement or part that binds (Assign, WithItem, Param, FunctionDef, Import ...).
    `value`: the expression bound to exactly this name (`x = value`, `with value as x`,
    `(x := value)`, a parameter's default), None when the name is unpacked from a tuple, bound
    by a loop, an import or a definition, or annotated without a value.
    `seq`: the engine's clock when the binding was made (source order); `previous`: the binding
    of the same name in the same scope it replaced, if any.
    """

    __slots__ = ("name", "scope", "kind", "target", "node", "value", "seq", "previous")

    def __init__(
        self,
        name: str,
        scope: "Scope",
        kind: str,
        target: str,
        node: Optional[cst.CSTNode],
        value: Optional[cst.BaseExpression],
        seq: int,
        previous: Optional["Binding"],
    ) -> None:
        self.name = name
        self.scope = scope
        self.kind = kind
        self.target = target
        self.node = node
        self.value = value
        self.seq = seq
        self.previous = previous

    @property
    def is_import(self) -> bool:
        return self.target != LOCAL

    def at(self, before: Optional[int]) -> Optional["Binding"]:
        """This binding, or the one it replaced, as it stood before clock `before`."""
        b: Optional[Binding] = self
        if before is not None:
            while b is not None and b.seq >= before:
                b = b.previous
        return b

    def __repr__(self) -> str:
        return f"<Binding {self.kind} {self.name} in {self.scope!r}>"


class Scope:
    """A module, class, function, lambda body."""

    __slots__ = (
        "kind",
        "node",
        "parent",
        "name",
        "qualname",
        "bindings",
        "values",
        "global_names",
        "nonlocal_names",
        "loop_depth",
    )

    def __init__(
        self,
        kind: str,
        node: cst.CSTNode,
        parent: Optional["Scope"],
        name: str = "",
    ) -> None:
        self.kind = kind  # "module" | "class" | "function" | "lambda"
        self.node = node
        self.parent = parent
        self.name = name
        if parent is None or parent.kind == "module":
            self.qualname = name
        elif kind == "lambda":
            self.qualname = parent.qualname
        else:
            self.qualname = f"{parent.qualname}.{name}" if parent.qualname else name
        # name -> import target or LOCAL (the resolution table), and name -> latest Binding
        self.bindings: Dict[str, str] = {}
        self.values: Dict[str, Binding] = {}
        self.global_names: Set[str] = set()
        self.nonlocal_names: Set[str] = set()
        self.loop_depth = 0  # loops enclosing the current point, inside this scope only

    @property
    def is_function(self) -> bool:
        return self.kind in ("function", "lambda")

    def history(self, name: str) -> List[Binding]:
        """Every binding of `name` in this scope so far, oldest first."""
        out: List[Binding] = []
        found = self.values.get(name)
        while found is not None:
            out.append(found)
            found = found.previous
        out.reverse()
        return out

    @property
    def module(self) -> "Scope":
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def __repr__(self) -> str:
        return f"<Scope {self.kind} {self.qualname or '<module>'}>"


def resolve(name: str, at: Scope, *, before: Optional[int] = None, class_body: bool = True) -> Optional[Binding]:
    """The binding `name` refers to, read from code in scope `at`; None when nothing in the file
    binds it (a builtin, a name bound later, a star import).

    Python's rules: class bodies are not visible from the functions inside them (`class_body`:
    whether `at` itself, when a class, is visible: True for code running in the class body,
    False for code *defined* there that runs in a function of its own, such as a lambda or a
    default of a nested def); `global x` sends the lookup to the module; `nonlocal x` to the
    function that binds it (the engine records those bindings there). `before`: only bindings
    made before that clock count (see `Binding.seq`); during the traversal the table holds the
    bindings made so far, after it the whole file's.
    """
    scope: Optional[Scope] = at
    while scope is not None:
        if scope.kind == "class" and (scope is not at or not class_body):
            scope = scope.parent
            continue
        if name in scope.nonlocal_names:
            scope = scope.parent  # bound (by the engine) in the function that owns it
            continue
        if name in scope.global_names and scope.parent is not None:
            # (`global x` at module level is legal and changes nothing: no redirect there)
            found = scope.module.values.get(name)
            return found.at(before) if found is not None else None
        found = scope.values.get(name)
        if found is not None:
            if before is None:
                return found
            found = found.at(before)
            if found is not None:
                return found
        scope = scope.parent
    return None


def binding_scope(name: str, at: Scope, *, class_body: bool = True) -> Optional[Scope]:
    """The scope whose binding `name` refers to from `at` (`resolve`'s answer, its scope)."""
    found = resolve(name, at, class_body=class_body)
    return found.scope if found is not None else None


def resolves_to_module(name: str, at: Scope, *, class_body: bool = True) -> bool:
    """`name` read in `at` means the module-level binding (or nothing in this file binds it:
    a builtin, a star import). After the traversal this is Python's whole-function locality."""
    found = resolve(name, at, class_body=class_body)
    return found is None or found.scope.kind == "module"


def function_binding_scope(name: str, at: Scope, *, class_body: bool = True) -> Optional[Scope]:
    """The enclosing function (or lambda) whose local `name` is, read from `at`; None for
    module-level names, class attributes, builtins."""
    found = resolve(name, at, class_body=class_body)
    return found.scope if found is not None and found.scope.is_function else None


def is_function_local(name: str, at: Scope, *, class_body: bool = True) -> bool:
    """`name` read in `at` is a parameter or local variable of an enclosing function (not a
    module global, import or builtin)."""
    found = resolve(name, at, class_body=class_body)
    return found is not None and found.scope.is_function and found.target == LOCAL


def is_module_variable(name: str, at: Scope) -> bool:
    """`name` read in `at` is a variable assigned at this module's top level (not an import)."""
    found = resolve(name, at)
    return found is not None and found.scope.kind == "module" and found.target == LOCAL


class Context:
    """Facts about the current point of the traversal, shared by every rule of one file."""

    def __init__(self, path: str, source: str, project: Any = None, module: Optional[str] = "") -> None:
        self.path = path
        self.source = source
        # the lifetime model of the whole project (leaklint.analysis.lifetime.ProjectIndex), or
        # None when the caller had none (lint_source without a project, an editor buffer): rules
        # then judge from what this one file shows
        self.project = project
        self.module = module or ""  # this file's dotted module name in the project ("" when unknown)
        self.module_scope: Optional[Scope] = None
        self.scope: Scope = None  # type: ignore[assignment]  # set at visit_Module
        # (node, qualname) for every class and function: the engine maps findings to them.
        self.definitions: List[Tuple[cst.CSTNode, str]] = []
        # every scope of the file, kept for as long as the file is analysed: rules key facts on
        # `id(scope)` and `id(binding)`, and a scope freed when the traversal leaves it would
        # hand its id to the next function's scope (a later function would read the facts of
        # an earlier one; which one depends on the allocator, so the finding would vary by run)
        self.scopes: List[Scope] = []
        # every module imported anywhere in the file (full dotted names and their parents)
        self.imported_modules: Set[str] = set()
        # what each import statement names itself (`import a.b` -> a.b, `from a import b` ->
        # a.b), without the parents: tells `from unittest import mock` from `import unittest`
        self.import_targets: Set[str] = set()
        self.clock = 0  # bindings made so far (`Binding.seq`)
        self.facts: Dict[type, Any] = {}  # the declared facts of this file (analysis.facts)
        self._shared: Dict[str, Any] = {}

    def fact(self, kind: Type[T]) -> T:
        """The file's instance of a declared fact (see `leaklint.analysis.facts`)."""
        try:
            return self.facts[kind]  # type: ignore[no-any-return]
        except KeyError:
            raise LookupError(f"{kind.__name__} is not collected: add it to the rule's `requires`") from None

    def shared(self, key: str, factory: Callable[[], T]) -> T:
        """A per-file object that several rules share (facts one of them collects, a cache):
        made by `factory` on first use, the same object for every rule of this file."""
        try:
            return self._shared[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._shared[key] = factory()
            return value

    # ---------------------------------------------------------------- scope queries
    @property
    def qualname(self) -> str:
        return self.scope.qualname

    @property
    def function_scope(self) -> Optional[Scope]:
        """The innermost enclosing function (or lambda) scope, or None at module/class level."""
        scope: Optional[Scope] = self.scope
        while scope is not None:
            if scope.is_function:
                return scope
            scope = scope.parent
        return None

    @property
    def class_scope(self) -> Optional[Scope]:
        """The class whose method we are in (or whose body we are in), if any."""
        scope: Optional[Scope] = self.scope
        while scope is not None:
            if scope.kind == "class":
                return scope
            scope = scope.parent
        return None

    @property
    def at_module_level(self) -> bool:
        """True for code that runs once at import: module top level and class bodies in it."""
        scope: Optional[Scope] = self.scope
        while scope is not None:
            if scope.is_function:
                return False
            scope = scope.parent
        return True

    @property
    def in_loop(self) -> bool:
        """Inside a `for` / `while` body of the current function (or of module level code)."""
        return self.scope.loop_depth > 0

    def method_class(self, scope: Optional[Scope] = None) -> Optional[Scope]:
        """If `scope` (default: current) is a method (a function directly in a class body),
        return the class scope."""
        scope = scope or self.scope
        while scope is not None and scope.kind == "lambda":
            scope = scope.parent
        if scope is not None and scope.kind == "function" and scope.parent is not None:
            if scope.parent.kind == "class":
                return scope.parent
        return None

    def imports_module(self, *modules: str) -> bool:
        """Whether the file imports any of `modules` (or a submodule of one)."""
        return any(m in self.imported_modules for m in modules)

    # ---------------------------------------------------------------- names
    def lookup(self, name: str, scope: Optional[Scope] = None) -> Optional[str]:
        """What `name` is bound to, seen from `scope`: a dotted import target, "builtins.x",
        LOCAL ("") for any other binding, or None when nothing binds it."""
        found = resolve(name, scope or self.scope)
        if found is not None:
            return found.target
        if name in _BUILTINS:
            return f"builtins.{name}"
        return None

    def binding(self, name: str, scope: Optional[Scope] = None) -> Optional[Binding]:
        """The binding (with its value) `name` refers to from `scope` (default: here), as far
        as the traversal has come."""
        return resolve(name, scope or self.scope)

    def qualified_name(
        self, node: cst.CSTNode, scope: Optional[Scope] = None
    ) -> Optional[str]:
        """Dotted name an expression refers to through imports: `ft.lru_cache` after
        `import functools as ft` is "functools.lru_cache", `open` is "builtins.open". None for
        locals, attributes of locals, calls and anything else."""
        if isinstance(node, cst.Name):
            target = self.lookup(node.value, scope)
            return target or None
        if isinstance(node, cst.Attribute):
            base = self.qualified_name(node.value, scope)
            if base is None:
                return None
            return f"{base}.{node.attr.value}"
        return None

    def call_name(self, node: cst.CSTNode, scope: Optional[Scope] = None) -> Optional[str]:
        """Qualified name of the function a Call calls (None if not a resolvable call)."""
        if isinstance(node, cst.Call):
            return self.qualified_name(node.func, scope)
        return None

    def is_local(self, name: str, scope: Optional[Scope] = None) -> bool:
        return self.lookup(name, scope) == LOCAL

    # ---------------------------------------------------------------- binding (engine only)
    def _bind(
        self,
        name: str,
        target: str = LOCAL,
        scope: Optional[Scope] = None,
        kind: str = "assign",
        node: Optional[cst.CSTNode] = None,
        value: Optional[cst.BaseExpression] = None,
    ) -> None:
        scope = scope or self.scope
        if name in scope.global_names and self.module_scope is not None:
            scope = self.module_scope
        elif name in scope.nonlocal_names:
            outer = scope.parent
            while outer is not None and (outer.kind == "class" or name not in outer.bindings):
                outer = outer.parent
            if outer is not None:
                scope = outer
        scope.bindings[name] = target
        self.clock += 1
        scope.values[name] = Binding(name, scope, kind, target, node, value, self.clock, scope.values.get(name))

    def _bind_target(
        self,
        target: cst.BaseExpression,
        scope: Optional[Scope] = None,
        kind: str = "assign",
        node: Optional[cst.CSTNode] = None,
        value: Optional[cst.BaseExpression] = None,
    ) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, LOCAL, scope, kind, node, value)
            return
        for name in target_names(target):
            self._bind(name, LOCAL, scope, kind, node, None)

    def _bind_params(self, scope: Scope, params: cst.Parameters) -> None:
        for param in all_params(params):
            self.clock += 1
            name = param.name.value
            scope.bindings[name] = LOCAL
            scope.values[name] = Binding(
                name, scope, "param", LOCAL, param, param.default, self.clock, scope.values.get(name)
            )


class _Enter(cst.BatchableCSTVisitor):
    """Runs first on every node: opens scopes and records bindings."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx

    def visit_Module(self, node: cst.Module) -> None:
        scope = Scope("module", node, None)
        self.ctx.scopes.append(scope)
        self.ctx.module_scope = scope
        self.ctx.scope = scope

    # definitions: the name binds in the enclosing scope, the body gets a scope of its own
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.ctx._bind(node.name.value, kind="def", node=node)

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        scope = Scope("function", node, ctx.scope, node.name.value)
        ctx.scopes.append(scope)
        ctx._bind_params(scope, node.params)
        ctx.scope = scope
        ctx.definitions.append((node, scope.qualname))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.ctx._bind(node.name.value, kind="class", node=node)

    def visit_ClassDef_body(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        ctx.scope = Scope("class", node, ctx.scope, node.name.value)
        ctx.scopes.append(ctx.scope)
        ctx.definitions.append((node, ctx.scope.qualname))

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        ctx = self.ctx
        scope = Scope("lambda", node, ctx.scope, "<lambda>")
        ctx.scopes.append(scope)
        ctx._bind_params(scope, node.params)
        ctx.scope = scope

    # loops
    def visit_For_body(self, node: cst.For) -> None:
        self.ctx.scope.loop_depth += 1

    def visit_While_body(self, node: cst.While) -> None:
        self.ctx.scope.loop_depth += 1

    # imports
    def visit_Import(self, node: cst.Import) -> None:
        ctx = self.ctx
        for alias in node.names:
            full = dotted_name(alias.name)
            self._note_module(full)
            ctx.import_targets.add(full)
            if alias.asname is not None:
                for name in target_names(alias.asname.name):
                    ctx._bind(name, full, kind="import", node=node)
            else:
                top = full.split(".", 1)[0]
                ctx._bind(top, top, kind="import", node=node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        ctx = self.ctx
        module = dotted_name(node.module) if node.module is not None else ""
        prefix = "." * len(node.relative) + module
        if not node.relative:
            self._note_module(module)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            imported = dotted_name(alias.name)
            target = f"{prefix}.{imported}" if prefix and not prefix.endswith(".") else prefix + imported
            if not node.relative:
                self._note_module(target)
                ctx.import_targets.add(target)
            local = imported
            if alias.asname is not None:
                names = list(target_names(alias.asname.name))
                local = names[0] if names else imported
            ctx._bind(local, target, kind="import", node=node)

    def _note_module(self, dotted: str) -> None:
        parts = dotted.split(".")
        for i in range(1, len(parts) + 1):
            self.ctx.imported_modules.add(".".join(parts[:i]))

    # other bindings
    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self.ctx.scope.global_names.add(item.name.value)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self.ctx.scope.nonlocal_names.add(item.name.value)

    def visit_For(self, node: cst.For) -> None:
        self.ctx._bind_target(node.target, kind="for", node=node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.ctx._bind_target(node.target, kind="comprehension", node=node)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.ctx._bind_target(node.asname.name, kind="with", node=node, value=node.item)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self.ctx._bind_target(node.name.name, kind="except", node=node)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self.ctx._bind(node.name.value, kind="match", node=node)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self.ctx._bind(node.name.value, kind="match", node=node)


class _Leave(cst.BatchableCSTVisitor):
    """Runs last on every node: closes scopes; binds assignment targets after their value was
    visited (so `open = wrap(open)` resolves the right-hand `open` as the builtin)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self.ctx.scope = self.ctx.scope.parent  # type: ignore[assignment]

    def leave_ClassDef_body(self, node: cst.ClassDef) -> None:
        self.ctx.scope = self.ctx.scope.parent  # type: ignore[assignment]

    def leave_Lambda_body(self, node: cst.Lambda) -> None:
        self.ctx.scope = self.ctx.scope.parent  # type: ignore[assignment]

    def leave_For_body(self, node: cst.For) -> None:
        self.ctx.scope.loop_depth -= 1

    def leave_While_body(self, node: cst.While) -> None:
        self.ctx.scope.loop_depth -= 1

    def leave_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.ctx._bind_target(target.target, kind="assign", node=node, value=node.value)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.ctx._bind_target(node.target, kind="annassign", node=node, value=node.value)

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        self.ctx._bind_target(node.target, kind="augassign", node=node)

    def leave_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.ctx._bind_target(node.target, kind="walrus", node=node, value=node.value)


def context_visitors(ctx: Context) -> Tuple[cst.BatchableCSTVisitor, cst.BatchableCSTVisitor]:
    return _Enter(ctx), _Leave(ctx)


__all__: Sequence[str] = (
    "Binding", "Context", "Scope", "LOCAL", "resolve", "binding_scope", "function_binding_scope",
    "resolves_to_module", "is_function_local", "is_module_variable",
    "target_names", "dotted_name", "param_names", "all_params", "context_visitors",
)


def class_body_value(cls: Optional[Scope], attr: str) -> Optional[cst.BaseExpression]:
    """The expression the body of class `cls` (its own body; bases are not followed) last binds
    to `attr` (`underflow_exception = EmptyResultSet`), None when the body does not bind it
    with a plain assignment. Ask after the module has been traversed: a method may come
    before the attribute."""
    if cls is None or cls.kind != "class":
        return None
    binding = cls.values.get(attr)
    return binding.value if binding is not None and binding.kind in ("assign", "annassign") else None


def names_a_class(value: Optional[cst.BaseExpression], at: Scope) -> bool:
    """`EmptyResultSet`, `errors.Overflow`: a name or dotted name bound by a `class` statement
    or an import (not a call, not a literal). Raising such a value makes a new instance on each
    `raise`; nothing stored is raised again."""
    if isinstance(value, cst.Attribute):
        while isinstance(value, cst.Attribute):
            value = value.value
        if not isinstance(value, cst.Name):
            return False
        binding = resolve(value.value, at)
        return binding is not None and binding.is_import
    if not isinstance(value, cst.Name):
        return False
    binding = resolve(value.value, at)
    return binding is not None and (binding.kind == "class" or binding.is_import)


def held_outside_frame(name: str, at: Scope) -> bool:
    """The object named `name`, read in function scope `at`, was not made by this call: a
    parameter (`self`, a context the caller passes), or a name of the module or of an
    enclosing function. What it holds (`self.error`, `ctx.curexc`) was stored there before
    the call and stays there after it; a local bound in this call (`meta = next(results)`,
    `ctx = Ctx()`) holds only what this call put or found in it."""
    binding = resolve(name, at)
    if binding is None:
        return False  # a builtin, or a name bound nowhere in the file
    if binding.scope is not at:
        return True
    return binding.kind == "param"
