"""Facts shared by the registration rules (LL2xx): which names are methods of which class,
which attributes a class assigns on `self`, which names the module refers to, and what a
callback expression keeps alive.

A rule owns one `ModuleFacts` and feeds it from its own `visit_*` methods (batched visitors
cannot share state through inheritance without every rule repeating the calls anyway); the
facts are complete in `leave_Module`, where the rules decide.
"""

from __future__ import annotations

from collections import Counter
from typing import Dict, Iterator, List, Optional, Set, Tuple

import libcst as cst

from ..context import LOCAL, Context, Scope, dotted_name, target_names
from ..matchers import class_bases, first_param, names_in

WEAKREF_FACTORIES = frozenset(
    {
        "weakref.ref", "weakref.proxy", "weakref.WeakMethod", "weakref.WeakSet",
        "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary", "weakref.finalize",
        "_weakref.ref", "_weakref.proxy", "_weakrefset.WeakSet",
    }
)
WEAK_CONTAINERS = frozenset(
    {
        "weakref.WeakSet", "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary",
        "_weakrefset.WeakSet",
    }
)
FUNCTOOLS_PARTIAL = frozenset({"functools.partial", "functools.partialmethod"})

# Dunder methods Python itself calls: a removal in one of them runs without any caller in
# the module. `__del__` is deliberately absent (see LL201).
PROTOCOL_METHODS = frozenset(
    {
        "__exit__", "__aexit__", "__enter__", "__aenter__", "__init__", "__call__", "__iter__",
        "__next__", "__aiter__", "__anext__", "__await__", "__close__", "__set_name__",
        "__setstate__", "__getstate__", "__reduce__", "__reduce_ex__", "__post_init__",
    }
)


class ClassFacts:
    """What one class body and its methods say about the class."""

    __slots__ = ("node", "name", "bases", "methods", "properties", "class_attrs", "self_attrs", "is_metaclass")

    def __init__(self, node: cst.ClassDef, name: str, bases: List[str]) -> None:
        self.node = node
        self.name = name
        self.bases = bases
        self.methods: Set[str] = set()
        self.properties: Set[str] = set()
        # attribute -> values assigned in the class body
        self.class_attrs: Dict[str, List[cst.BaseExpression]] = {}
        # attribute -> values assigned to `self.<attr>` in the class's methods
        self.self_attrs: Dict[str, List[cst.BaseExpression]] = {}
        self.is_metaclass = any(b in ("builtins.type", "type", "abc.ABCMeta", "ABCMeta") or b.endswith("Meta") for b in bases)


def enclosing_method(ctx: Context, scope: Optional[Scope] = None) -> Optional[Tuple[Scope, Scope]]:
    """(class scope, method scope) of the method the current point is in, also from inside
    nested functions and lambdas of that method."""
    scope = scope or ctx.scope
    while scope is not None:
        if scope.kind == "function" and scope.parent is not None and scope.parent.kind == "class":
            return scope.parent, scope
        if scope.kind in ("class", "module"):
            return None
        scope = scope.parent
    return None


def outermost_function(ctx: Context, scope: Optional[Scope] = None) -> Optional[Scope]:
    """The outermost function (a method or a module-level function) enclosing the point."""
    scope = scope or ctx.scope
    found = None
    while scope is not None:
        if scope.kind == "function":
            found = scope
            if scope.parent is not None and scope.parent.kind == "class":
                return scope
        scope = scope.parent
    return found


def binding_scope(ctx: Context, name: str, scope: Optional[Scope] = None) -> Optional[Scope]:
    """The scope whose binding `name` resolves to from `scope`, or None (builtins / unbound)."""
    start = scope = scope or ctx.scope
    while scope is not None:
        if name in scope.global_names:
            module = ctx.module_scope
            return module if module is not None and name in module.bindings else None
        if scope.kind != "class" or scope is start:
            if name in scope.bindings:
                return scope
        scope = scope.parent
    return None


def is_function_local(ctx: Context, name: str, scope: Optional[Scope] = None) -> bool:
    """`name` is a parameter or local variable of an enclosing function."""
    found = binding_scope(ctx, name, scope)
    return found is not None and found.is_function and found.bindings.get(name) == LOCAL


def is_module_variable(ctx: Context, name: str, scope: Optional[Scope] = None) -> bool:
    """`name` is a variable assigned at module level of this module (not an import)."""
    found = binding_scope(ctx, name, scope)
    return found is not None and found.kind == "module" and found.bindings.get(name) == LOCAL


def mentions_weakref(ctx: Context, expr: cst.CSTNode) -> bool:
    """The expression calls or names a weak reference type (`WeakSet()`,
    `defaultdict(weakref.WeakSet)`, `weakref.ref(x)`)."""
    stack: List[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Name, cst.Attribute)):
            name = ctx.qualified_name(node)
            if name is not None and (name in WEAKREF_FACTORIES or name.startswith("weakref.Weak")):
                return True
            if isinstance(node, cst.Attribute):
                stack.append(node.value)
            continue
        if isinstance(node, (cst.Lambda, cst.FunctionDef)):
            continue
        stack.extend(node.children)
    return False


def is_weak_call(ctx: Context, expr: Optional[cst.BaseExpression]) -> bool:
    """`weakref.ref(x)`, `weakref.WeakMethod(m)`, `weakref.proxy(x)` and friends."""
    if isinstance(expr, cst.Call):
        name = ctx.qualified_name(expr.func)
        return name is not None and name in WEAKREF_FACTORIES
    return False


def short_text(node: cst.CSTNode, limit: int = 40) -> str:
    """Source text of a small expression, for messages."""
    text = dotted_name(node) if isinstance(node, (cst.Name, cst.Attribute)) else ""
    if not text:
        try:
            text = cst.Module(body=[]).code_for_node(node)
        except Exception:  # pragma: no cover - defensive
            text = type(node).__name__
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ModuleFacts:
    """Whole-module facts: classes, their methods and attributes, and name references."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.classes: Dict[int, ClassFacts] = {}  # id(ClassDef) -> facts
        self.classes_by_name: Dict[str, List[ClassFacts]] = {}
        # how often each identifier occurs (as a name or attribute) and how often it is defined
        self.name_counts: Counter = Counter()
        self.def_counts: Counter = Counter()
        # (id(function scope node), name) -> nested def node / assigned value
        self.nested_defs: Dict[Tuple[int, str], cst.FunctionDef] = {}
        self.local_values: Dict[Tuple[int, str], List[cst.BaseExpression]] = {}

    # ---------------------------------------------------------------- feeding
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        facts = ClassFacts(node, node.name.value, class_bases(self.ctx, node))
        self.classes[id(node)] = facts
        self.classes_by_name.setdefault(node.name.value, []).append(facts)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        name = node.name.value
        self.def_counts[name] += 1
        scope = ctx.scope
        if scope.kind == "class":
            facts = self.classes.get(id(scope.node))
            if facts is not None:
                decorators = {dotted_name(d.decorator if not isinstance(d.decorator, cst.Call) else d.decorator.func) for d in node.decorators}
                if "property" in decorators or "functools.cached_property" in decorators or "cached_property" in decorators:
                    facts.properties.add(name)
                elif not any(d.endswith((".setter", ".deleter", ".getter")) for d in decorators):
                    facts.methods.add(name)
        elif scope.is_function:
            self.nested_defs[(id(scope.node), name)] = node

    def visit_Name(self, node: cst.Name) -> None:
        self.name_counts[node.value] += 1

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assigned(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assigned(node.target, node.value)

    def _assigned(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        ctx = self.ctx
        scope = ctx.scope
        if scope.kind == "class" and isinstance(target, cst.Name):
            facts = self.classes.get(id(scope.node))
            if facts is not None:
                facts.class_attrs.setdefault(target.value, []).append(value)
            return
        if scope.is_function:
            if isinstance(target, cst.Name):
                self.local_values.setdefault((id(scope.node), target.value), []).append(value)
            elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
                found = enclosing_method(ctx)
                if found is None:
                    return
                cls_scope, method = found
                node = method.node
                if isinstance(node, cst.FunctionDef) and target.value.value == first_param(node):
                    facts = self.classes.get(id(cls_scope.node))
                    if facts is not None:
                        facts.self_attrs.setdefault(target.attr.value, []).append(value)
            elif isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    if isinstance(element.value, cst.Attribute):
                        self._assigned(element.value, cst.Name("None"))
                    else:
                        for name in target_names(element.value):
                            self.local_values.setdefault((id(scope.node), name), []).append(cst.Name("None"))

    # ---------------------------------------------------------------- queries
    def class_of(self, scope: Scope) -> Optional[ClassFacts]:
        return self.classes.get(id(scope.node))

    def lineage(self, facts: ClassFacts) -> Iterator[ClassFacts]:
        """The class and its bases defined in this module (by name), nearest first."""
        seen: Set[int] = set()
        todo = [facts]
        while todo:
            current = todo.pop(0)
            if id(current) in seen:
                continue
            seen.add(id(current))
            yield current
            for base in current.bases:
                for other in self.classes_by_name.get(base.rsplit(".", 1)[-1], ()):
                    todo.append(other)

    def has_foreign_base(self, facts: ClassFacts) -> bool:
        """Some base class is defined outside this module (so unknown methods may be inherited)."""
        for cls in self.lineage(facts):
            for base in cls.bases:
                short = base.rsplit(".", 1)[-1]
                if short in ("object", "builtins.object"):
                    continue
                if short not in self.classes_by_name:
                    return True
        return False

    def is_method(self, facts: ClassFacts, attr: str) -> bool:
        return any(attr in cls.methods for cls in self.lineage(facts))

    def is_self_attr(self, facts: ClassFacts, attr: str) -> bool:
        return any(attr in cls.self_attrs or attr in cls.properties for cls in self.lineage(facts))

    def class_attr_values(self, facts: ClassFacts, attr: str) -> Optional[List[cst.BaseExpression]]:
        for cls in self.lineage(facts):
            if attr in cls.class_attrs:
                return cls.class_attrs[attr]
        return None

    def referenced(self, name: str) -> bool:
        """Whether `name` occurs anywhere in the module besides its own definitions."""
        return self.name_counts[name] > self.def_counts[name]


def is_self_name(node: cst.CSTNode, self_param: Optional[str]) -> bool:
    return self_param is not None and isinstance(node, cst.Name) and node.value == self_param


def free_function_names(ctx: Context, node: cst.CSTNode, own: Set[str]) -> List[str]:
    """Names read inside `node` (a lambda body or a nested def) that resolve to a parameter or
    local of an enclosing function at the current point: what a closure keeps alive."""
    out: List[str] = []
    for name in names_in(node):
        if name in own or name in out:
            continue
        if is_function_local(ctx, name):
            out.append(name)
    return out


def param_names(params: cst.Parameters) -> Set[str]:
    out = set()
    for p in (*params.posonly_params, *params.params, *params.kwonly_params):
        out.add(p.name.value)
    if isinstance(params.star_arg, cst.Param):
        out.add(params.star_arg.name.value)
    if params.star_kwarg is not None:
        out.add(params.star_kwarg.name.value)
    return out


__all__ = [
    "ClassFacts", "ModuleFacts", "enclosing_method", "outermost_function", "binding_scope",
    "is_function_local", "is_module_variable", "mentions_weakref", "is_weak_call", "short_text",
    "is_self_name", "free_function_names", "param_names", "PROTOCOL_METHODS",
    "FUNCTOOLS_PARTIAL", "WEAK_CONTAINERS",
]
