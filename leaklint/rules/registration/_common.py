"""Facts shared by the registration rules (LL2xx): which names are methods of which class,
which attributes a class assigns on `self`, which names the module refers to, and what a
callback expression keeps alive.

`ModuleFacts` is a declared fact (`RegistrationRule.requires`), collected once per file by the
engine and complete in `leave_Module`, where the rules decide. The family's other private
facts build on it: `_pins` (what a callback keeps alive), `_retention` (whether a registry
outlives its subscriber), `_stores` (instances stored in module or class containers) and
`_logger_names` (whether a logger name takes a bounded set of values).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Dict, Iterator, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import dotted_name, root_name
from ...analysis.scopes import LOCAL, Context, Scope, binding_scope, is_function_local
from ...analysis.expr import param_names as context_param_names
from ...matchers import class_bases, first_param, names_in
from ...analysis.facts import Fact
from ...knowledge.registries import WEAK_CONTAINERS, WEAKREF_FACTORIES
from ...rule import Rule
from ...traverse import children

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

    __slots__ = (
        "node", "name", "bases", "methods", "class_methods", "properties", "class_attrs", "self_attrs",
        "self_attr_origins", "is_metaclass",
    )

    def __init__(self, node: cst.ClassDef, name: str, bases: List[str]) -> None:
        self.node = node
        self.name = name
        self.bases = bases
        self.methods: Set[str] = set()  # instance methods
        self.class_methods: Set[str] = set()  # classmethods and staticmethods
        self.properties: Set[str] = set()
        # attribute -> values assigned in the class body
        self.class_attrs: Dict[str, List[cst.BaseExpression]] = {}
        # attribute -> values assigned to `self.<attr>` in the class's methods
        self.self_attrs: Dict[str, List[cst.BaseExpression]] = {}
        # attribute -> where the values assigned to `self.<attr>` come from ("owned" / "shared")
        self.self_attr_origins: Dict[str, Set[str]] = {}
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
        stack.extend(children(node))
    return False


def is_weak_call(ctx: Context, expr: Optional[cst.BaseExpression]) -> bool:
    """`weakref.ref(x)`, `weakref.WeakMethod(m)`, `weakref.proxy(x)` and friends."""
    if isinstance(expr, cst.Call):
        name = ctx.qualified_name(expr.func)
        return name is not None and name in WEAKREF_FACTORIES
    return False


class ModuleFacts(Fact):
    """Whole-module facts, collected once per file for the rules that require them: classes,
    their methods and attributes (and where `self.x` values come from), nested defs, and
    how often each identifier occurs and is defined."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.classes: Dict[int, ClassFacts] = {}  # id(ClassDef) -> facts
        self.classes_by_name: Dict[str, List[ClassFacts]] = {}
        # how often each identifier occurs (as a name or attribute) and how often it is defined
        self.name_counts: Counter = Counter()
        self.def_counts: Counter = Counter()
        # (id(function scope node), name) -> nested def node
        self.nested_defs: Dict[Tuple[int, str], cst.FunctionDef] = {}

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
                elif decorators & {"classmethod", "staticmethod"}:
                    facts.class_methods.add(name)
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
            # (what a local is assigned comes from the engine's bindings: `local_values`)
            if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
                found = enclosing_method(ctx)
                if found is None:
                    return
                cls_scope, method = found
                node = method.node
                if isinstance(node, cst.FunctionDef) and target.value.value == first_param(node):
                    facts = self.classes.get(id(cls_scope.node))
                    if facts is not None:
                        facts.self_attrs.setdefault(target.attr.value, []).append(value)
                        origin = self.origin(value, target.value.value)
                        if origin is not None:
                            facts.self_attr_origins.setdefault(target.attr.value, set()).add(origin)
            elif isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    if isinstance(element.value, cst.Attribute):
                        self._assigned(element.value, cst.Name("None"))

    # ---------------------------------------------------------------- queries
    def origin(self, value: cst.BaseExpression, selfp: Optional[str], depth: int = 0) -> Optional[str]:
        """Where an object comes from, seen from the current point of the traversal:
        "owned" -- created here (`Foo(...)`, a literal, a call on self, a sub-object of self,
        a `with` target); "shared" -- received (a parameter, a module global or import, the
        result of a plain function such as `get_event_loop()`); None -- nothing (`None`) or
        unknown."""
        ctx = self.ctx
        if value is WITH_MANAGED:
            return "owned"
        if isinstance(value, cst.Name) and value.value in ("None", "True", "False"):
            return None
        if isinstance(value, (cst.List, cst.Dict, cst.Set, cst.Tuple, cst.ListComp, cst.DictComp, cst.SetComp,
                              cst.SimpleString, cst.Integer, cst.Float, cst.FormattedString, cst.ConcatenatedString)):
            return "owned"
        if isinstance(value, (cst.BooleanOperation, cst.IfExp)):
            parts = [value.left, value.right] if isinstance(value, cst.BooleanOperation) else [value.body, value.orelse]
            origins = {self.origin(p, selfp, depth + 1) for p in parts} - {None}
            return "shared" if "shared" in origins else ("owned" if origins else None)
        if isinstance(value, cst.Await):
            return self.origin(value.expression, selfp, depth + 1)
        if isinstance(value, cst.Call):
            func = value.func
            if isinstance(func, cst.Call):
                return "owned"  # a factory's product: `make(Text)(frame)`
            last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
            if is_capwords(last.lstrip("_")) or FACTORY_FUNCTION.match(last):
                return "owned"
            root = root_name(func)
            if root is not None and (root == selfp or root in ("cls", "super")):
                return "owned"
            if root is not None and isinstance(func, cst.Attribute) and is_function_local(root, ctx.scope):
                # `bbox.addButton(...)`: a part of something made here is made here too
                if self.origin(cst.Name(root), selfp, depth + 1) == "owned":
                    return "owned"
            return "shared"
        root = root_name(value)
        if root is None:
            return "owned"
        if root == selfp:
            return "owned"
        found = binding_scope(root, ctx.scope)
        if found is None:
            return None
        if found.is_function and found.bindings.get(root) == LOCAL:
            node = found.node
            params = param_names(node.params) if isinstance(node, (cst.FunctionDef, cst.Lambda)) else set()
            if root in params:
                return "shared"
            if depth > 3:
                return None
            values = local_values(found, root)
            origins = {self.origin(v, selfp, depth + 1) for v in values} - {None}
            if not origins:
                return None
            return "shared" if "shared" in origins else "owned"
        return "shared"

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

    def is_class_method(self, facts: ClassFacts, attr: str) -> bool:
        return any(attr in cls.class_methods for cls in self.lineage(facts))

    def self_attr_origin(self, facts: ClassFacts, attr: str) -> Set[str]:
        out: Set[str] = set()
        for cls in self.lineage(facts):
            out |= cls.self_attr_origins.get(attr, set())
        return out

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


# plain functions that make a new object for the caller (`asyncio.new_event_loop()`)
FACTORY_FUNCTION = re.compile(r"^_*(new|create|make|build|open)(_|$)")
WITH_MANAGED = cst.Tuple(elements=[])  # marker value for names bound by `with ... as name`


_UNPACKED = cst.Name("None")  # a local unpacked from a tuple: its value is unknown


def local_values(scope: Scope, name: str) -> List[cst.BaseExpression]:
    """What the function local `name` of `scope` was assigned so far, oldest first, from the
    engine's bindings: the value of `name = value` / `name: T = value`, WITH_MANAGED for
    `with ... as name` (closed when the block ends), `None` when unpacked from a tuple. Loops,
    `+=`, `:=` and `except ... as` are not assignments of a value here."""
    if not scope.is_function:
        return []
    out: List[cst.BaseExpression] = []
    for binding in scope.history(name):
        if binding.kind == "with":
            out.append(WITH_MANAGED)
        elif binding.kind == "assign" or (binding.kind == "annassign" and binding.value is not None):
            out.append(binding.value if binding.value is not None else _UNPACKED)
    return out


def is_capwords(name: str) -> bool:
    return bool(name) and name[0].isupper() and not name.isupper()


def is_self_name(node: cst.CSTNode, self_param: Optional[str]) -> bool:
    return self_param is not None and isinstance(node, cst.Name) and node.value == self_param


def free_function_names(ctx: Context, node: cst.CSTNode, own: Set[str]) -> List[str]:
    """Names read inside `node` (a lambda body or a nested def) that resolve to a parameter or
    local of an enclosing function at the current point: what a closure keeps alive."""
    out: List[str] = []
    for name in names_in(node):
        if name in own or name in out:
            continue
        if is_function_local(name, ctx.scope):
            out.append(name)
    return out


def param_names(params: cst.Parameters) -> Set[str]:
    return set(context_param_names(params))


__all__ = [
    "ClassFacts", "ModuleFacts", "enclosing_method", "outermost_function",
    "mentions_weakref", "is_weak_call", "local_values",
    "is_self_name", "free_function_names", "param_names", "PROTOCOL_METHODS",
    "FUNCTOOLS_PARTIAL", "WEAK_CONTAINERS",
]


class RegistrationRule(Rule):
    """Base of LL201 / LL202: the whole-module facts (`self.facts`), collected once per file by
    the engine (`requires`)."""

    requires = (ModuleFacts,)

    def __init__(self, context: Context, options: object = None) -> None:
        super().__init__(context, options)
        self.facts: ModuleFacts = self.fact(ModuleFacts)
