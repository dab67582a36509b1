"""The traversal context the engine keeps for every rule: scopes, bindings and import aliases.

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
"""

from __future__ import annotations

import builtins
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple, TypeVar, Union

import libcst as cst

_BUILTINS = frozenset(dir(builtins))

T = TypeVar("T")

# Marker for a binding that is not an import: the name is a local variable of that scope.
LOCAL = ""


class Scope:
    """A module, class, function, lambda body."""

    __slots__ = (
        "kind",
        "node",
        "parent",
        "name",
        "qualname",
        "bindings",
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
        self.bindings: Dict[str, str] = {}
        self.global_names: Set[str] = set()
        self.nonlocal_names: Set[str] = set()
        self.loop_depth = 0  # loops enclosing the current point, inside this scope only

    @property
    def is_function(self) -> bool:
        return self.kind in ("function", "lambda")

    def __repr__(self) -> str:
        return f"<Scope {self.kind} {self.qualname or '<module>'}>"


class Context:
    """Facts about the current point of the traversal, shared by every rule of one file."""

    def __init__(self, path: str, source: str, project: Any = None, module: str = "") -> None:
        self.path = path
        self.source = source
        # the lifetime model of the whole project (leaklint.analysis.lifetime.ProjectIndex), or
        # None when the caller had none (lint_source without a project, an editor buffer): rules
        # then judge from what this one file shows
        self.project = project
        self.module = module  # this file's dotted module name in the project ("" when unknown)
        self.module_scope: Optional[Scope] = None
        self.scope: Scope = None  # type: ignore[assignment]  # set at visit_Module
        # (node, qualname) for every class and function: the engine maps findings to them.
        self.definitions: List[Tuple[cst.CSTNode, str]] = []
        # every module imported anywhere in the file (full dotted names and their parents)
        self.imported_modules: Set[str] = set()
        self._shared: Dict[str, Any] = {}

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
        scope = scope or self.scope
        start = scope
        while scope is not None:
            if name in scope.global_names and scope is not self.module_scope:
                # (`global x` at module level is legal and changes nothing: no redirect there)
                assert self.module_scope is not None
                scope = self.module_scope
                continue
            # class bodies are only visible from the class body itself, not from its methods
            if scope.kind != "class" or scope is start:
                if name in scope.bindings:
                    return scope.bindings[name]
            scope = scope.parent
        if name in _BUILTINS:
            return f"builtins.{name}"
        return None

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
    def _bind(self, name: str, target: str = LOCAL, scope: Optional[Scope] = None) -> None:
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

    def _bind_target(self, target: cst.BaseExpression, scope: Optional[Scope] = None) -> None:
        for name in target_names(target):
            self._bind(name, LOCAL, scope)


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


def dotted_name(node: Union[cst.Attribute, cst.Name, cst.BaseExpression]) -> str:
    """`a.b.c` as text; "" when the expression is not a plain dotted name."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def param_names(params: cst.Parameters) -> Iterator[str]:
    """Every name a parameter list binds (positional-only, regular, keyword-only, *args, **kwargs)."""
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        yield param.name.value
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg.name.value
    if params.star_kwarg is not None:
        yield params.star_kwarg.name.value


class _Enter(cst.BatchableCSTVisitor):
    """Runs first on every node: opens scopes and records bindings."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx

    def visit_Module(self, node: cst.Module) -> None:
        scope = Scope("module", node, None)
        self.ctx.module_scope = scope
        self.ctx.scope = scope

    # definitions: the name binds in the enclosing scope, the body gets a scope of its own
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.ctx._bind(node.name.value)

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        scope = Scope("function", node, ctx.scope, node.name.value)
        for name in param_names(node.params):
            scope.bindings[name] = LOCAL
        ctx.scope = scope
        ctx.definitions.append((node, scope.qualname))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.ctx._bind(node.name.value)

    def visit_ClassDef_body(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        ctx.scope = Scope("class", node, ctx.scope, node.name.value)
        ctx.definitions.append((node, ctx.scope.qualname))

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        ctx = self.ctx
        scope = Scope("lambda", node, ctx.scope, "<lambda>")
        for name in param_names(node.params):
            scope.bindings[name] = LOCAL
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
            if alias.asname is not None:
                for name in target_names(alias.asname.name):
                    ctx._bind(name, full)
            else:
                top = full.split(".", 1)[0]
                ctx._bind(top, top)

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
            local = imported
            if alias.asname is not None:
                names = list(target_names(alias.asname.name))
                local = names[0] if names else imported
            ctx._bind(local, target)

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
        self.ctx._bind_target(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.ctx._bind_target(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.ctx._bind_target(node.asname.name)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self.ctx._bind_target(node.name.name)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self.ctx._bind(node.name.value)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self.ctx._bind(node.name.value)


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
            self.ctx._bind_target(target.target)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.ctx._bind_target(node.target)

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        self.ctx._bind_target(node.target)

    def leave_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.ctx._bind_target(node.target)


def context_visitors(ctx: Context) -> Tuple[cst.BatchableCSTVisitor, cst.BatchableCSTVisitor]:
    return _Enter(ctx), _Leave(ctx)


__all__: Sequence[str] = ("Context", "Scope", "LOCAL", "target_names", "dotted_name", "context_visitors")
