"""Where the instances of a module's classes keep themselves (LL201's facts): every store of
`self` (or a bound method of it, or a new instance in `__new__` / a classmethod) into a module-
or class-level container, the removals from those containers, what each container is
defined as (a strong or weak container), and the lookups that mark interning. Collected once
per file in the engine's traversal; the rule decides what of it is a leak."""

from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.facts import Fact
from ...analysis.scopes import Context, Scope, is_module_variable
from ...matchers import call_arg, first_param, self_name
from ._common import (
    ClassFacts,
    ModuleFacts,
    enclosing_method,
    mentions_weakref,
    outermost_function,
)

# container method -> index of the stored value among the positional args (None: every arg)
STORE_METHODS: Dict[str, Optional[int]] = {
    "append": 0, "add": 0, "appendleft": 0, "insert": 1, "setdefault": 1, "put": 0,
    "extend": 0, "update": 0,
}
REMOVE_METHODS = frozenset(
    {"remove", "discard", "pop", "popitem", "popleft", "clear", "__delitem__", "difference_update", "remove_all"}
)
STRONG_CONTAINERS = frozenset(
    {
        "builtins.list", "builtins.dict", "builtins.set", "collections.defaultdict",
        "collections.OrderedDict", "collections.deque", "collections.Counter", "collections.ChainMap",
        "typing.List", "typing.Dict", "typing.Set",
    }
)
CLASS_PARAM_METHODS = frozenset({"__new__"})
Key = Tuple[str, str]  # ("module", name) | ("attr", attribute name)


class Store:
    """One store of an instance (or its bound method) into a module- or class-level container."""

    __slots__ = ("node", "key", "kind", "what", "bound_attr", "cls", "method", "via_self_attr", "function", "factory")

    def __init__(self, node, key, kind, what, bound_attr, cls, method, via_self_attr, function, factory) -> None:
        self.node = node
        self.key = key
        self.kind = kind  # "module" | "class" | "self"
        self.what = what
        self.bound_attr = bound_attr
        self.cls: Optional[ClassFacts] = cls
        self.method = method
        self.via_self_attr = via_self_attr
        self.function = function  # id of the method node
        self.factory = factory  # stored from `__new__` or a classmethod


class _Removal:
    __slots__ = ("function", "nested")

    def __init__(self, function: Optional[str], nested: bool) -> None:
        self.function = function  # name of the outermost enclosing def, None at module level
        self.nested = nested  # inside a lambda / nested def: runs when that callable is called


class InstanceStores(Fact):
    """The stores, removals, definitions and lookups of the module's containers (see the
    module's docstring)."""

    requires = (ModuleFacts,)

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.stores: List[Store] = []
        self.removals: Dict[Key, List[_Removal]] = {}
        # container key -> every value assigned to it anywhere in the module, with whether it is weak
        self.definitions: Dict[Key, List[Tuple[cst.BaseExpression, bool]]] = {}
        # containers with at least one definition that is a plain list / dict / set
        self.strong: Set[Key] = set()
        # classes instantiated at module level: a fixed set of constants, like enum members
        self.module_level_instances: Set[str] = set()
        # (id(method node), key): the method looks the container up (`.get(k)`, `k in C`)
        self.lookups: Set[Tuple[int, Key]] = set()

    # ------------------------------------------------------------------ traversal
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._note_definition(target.target, node.value)
            if isinstance(target.target, cst.Subscript):
                self._subscript_store(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._note_definition(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        key = self._key(node.target)
        if key is None:
            return
        if isinstance(node.operator, (cst.SubtractAssign, cst.BitAndAssign)):
            self._note_removal(key[0])
        elif isinstance(node.operator, (cst.AddAssign, cst.BitOrAssign)):
            self._maybe_store(node, key, node.value)

    def visit_Del(self, node: cst.Del) -> None:
        targets = [node.target]
        if isinstance(node.target, cst.Tuple):
            targets = [e.value for e in node.target.elements]
        for target in targets:
            if isinstance(target, cst.Subscript):
                key = self._key(target.value)
            else:
                key = self._key(target)
            if key is not None:
                self._note_removal(key[0])

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # `REG.remove(self)`, but also `weakref.finalize(self, REG.discard, key)`
        if node.attr.value in REMOVE_METHODS:
            key = self._key(node.value)
            if key is not None:
                self._note_removal(key[0])

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for target in node.comparisons:
            if isinstance(target.operator, (cst.In, cst.NotIn)):
                self._note_lookup(target.comparator)

    def _note_lookup(self, container: cst.BaseExpression) -> None:
        found = enclosing_method(self.context)
        key = self._key(container)
        if found is not None and key is not None:
            self.lookups.add((id(found[1].node), key[0]))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and self.context.at_module_level:
            self.module_level_instances.add(func.value)
        if isinstance(func, cst.Attribute) and func.attr.value == "get":
            self._note_lookup(func.value)
        if not isinstance(func, cst.Attribute) or func.attr.value not in STORE_METHODS:
            return
        key = self._key(func.value)
        if key is None:
            return
        method = func.attr.value
        index = STORE_METHODS[method]
        values: List[cst.BaseExpression] = []
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if index is not None and index < len(positional):
            values.append(positional[index].value)
        if method in ("setdefault", "insert") and self._bounded_key(call_arg(node, 0)):
            return
        if method == "update":
            values = [a.value for a in node.args if a.keyword is not None]
            for a in positional:
                if isinstance(a.value, cst.Dict):
                    values.extend(e.value for e in a.value.elements if isinstance(e, cst.DictElement))
        elif method == "extend":
            values = []
            for a in positional:
                if isinstance(a.value, (cst.List, cst.Tuple, cst.Set)):
                    values.extend(e.value for e in a.value.elements)
        for value in values:
            if self._maybe_store(node, key, value):
                return

    # ------------------------------------------------------------------ facts
    def _key(self, expr: cst.BaseExpression) -> Optional[Tuple[Key, str, bool]]:
        """(container key, kind, nested) for an expression naming a long-lived container, or
        None. kind: "module", "class" (reached through the class) or "self" (`self.attr`, a
        class attribute only if the class never assigns it on the instance)."""
        ctx = self.context
        nested = False
        while isinstance(expr, cst.Subscript):
            expr = expr.value
            nested = True
        if isinstance(expr, cst.Name):
            if is_module_variable(expr.value, ctx.scope):
                return ("module", expr.value), "module", nested
            return None
        if not isinstance(expr, cst.Attribute):
            return None
        base = expr.value
        attr = expr.attr.value
        if attr.startswith("__") and attr.endswith("__"):
            return None
        found = enclosing_method(ctx)
        if found is None:
            return None
        cls_scope, method_scope = found
        method = method_scope.node
        first = first_param(method) if isinstance(method, cst.FunctionDef) else None
        selfp = self_name(ctx)
        if isinstance(base, cst.Name):
            if selfp is not None and base.value == selfp:
                return ("attr", attr), "self", nested
            if base.value == cls_scope.name or base.value in self.facts.classes_by_name:
                if is_module_variable(base.value, ctx.scope) or base.value == cls_scope.name:
                    return ("attr", attr), "class", nested
            if selfp is None and first is not None and base.value == first and self._is_class_method(method):
                return ("attr", attr), "class", nested
            return None
        if selfp is None:
            return None
        if isinstance(base, cst.Call) and isinstance(base.func, cst.Name) and base.func.value == "type":
            args = [a.value for a in base.args]
            if len(args) == 1 and isinstance(args[0], cst.Name) and args[0].value == selfp:
                return ("attr", attr), "class", nested
        if (
            isinstance(base, cst.Attribute)
            and base.attr.value == "__class__"
            and isinstance(base.value, cst.Name)
            and base.value.value == selfp
        ):
            return ("attr", attr), "class", nested
        return None

    def _is_class_method(self, method: cst.CSTNode) -> bool:
        if not isinstance(method, cst.FunctionDef):
            return False
        if method.name.value in CLASS_PARAM_METHODS:
            return True
        for d in method.decorators:
            if isinstance(d.decorator, cst.Name) and d.decorator.value == "classmethod":
                return True
        return False

    def _note_definition(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        ctx = self.context
        key: Optional[Key] = None
        if isinstance(target, cst.Name):
            if ctx.scope.kind == "module" or (ctx.scope.is_function and target.value in ctx.scope.global_names):
                key = ("module", target.value)
            elif ctx.scope.kind == "class":
                key = ("attr", target.value)
        elif isinstance(target, cst.Attribute):
            found = self._key(target)
            if found is not None and found[1] != "self":
                key = found[0]
                if ctx.scope.is_function:
                    self._note_removal(key)  # re-binding the container empties it
        if key is not None:
            self.definitions.setdefault(key, []).append((value, mentions_weakref(ctx, value)))
            if self._is_strong_container(value):
                self.strong.add(key)

    def _is_strong_container(self, value: cst.BaseExpression) -> bool:
        if isinstance(value, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)):
            return True
        if isinstance(value, cst.Call):
            name = self.context.qualified_name(value.func)
            return name is not None and name in STRONG_CONTAINERS
        return False

    def _new_instance(self, name: str, method_scope: Scope) -> bool:
        """In `__new__` and classmethods, `name` holds a new instance: `obj = super().__new__(cls)`,
        `obj = cls(...)`, read from the bindings of the method (and of the nested functions
        between it and here)."""
        method = method_scope.node
        if not self._is_class_method(method):
            return False
        first = first_param(method)  # type: ignore[arg-type]
        scope: Optional[Scope] = self.context.scope
        while scope is not None:
            for binding in scope.history(name):
                value = binding.value
                if binding.kind != "assign" or not isinstance(value, cst.Call):
                    continue
                func = value.func
                if (isinstance(func, cst.Attribute) and func.attr.value == "__new__") or (
                    isinstance(func, cst.Name) and func.value == first
                ):
                    return True
            if scope is method_scope:
                break
            scope = scope.parent
        return False

    def _note_removal(self, key: Key) -> None:
        ctx = self.context
        outer = outermost_function(ctx)
        nested = outer is not None and ctx.scope is not outer
        name = outer.name if outer is not None else None
        self.removals.setdefault(key, []).append(_Removal(name, nested))

    def _bounded_key(self, arg: Optional[cst.Arg]) -> bool:
        """A key that names one slot (a constant, the class itself): not one entry per call."""
        if arg is None:
            return False
        value = arg.value
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.Integer)):
            return True
        if isinstance(value, cst.Name) and value.value in ("cls", "None", "True", "False"):
            return True
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "type":
            return True
        if isinstance(value, cst.Attribute) and value.attr.value == "__class__":
            return True
        found = enclosing_method(self.context)
        return found is not None and isinstance(value, cst.Name) and value.value == found[0].name

    def _subscript_store(self, target: cst.Subscript, value: cst.BaseExpression) -> None:
        key = self._key(target.value)
        if key is None:
            return
        if len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
            if self._bounded_key(cst.Arg(value=target.slice[0].slice.value)):
                return
            if self._maybe_store(target, key, value):
                return
            # a dict keyed by the instance holds it as strongly as one holding it as a value
            self._maybe_store(target, key, target.slice[0].slice.value)

    def _what(self, value: cst.BaseExpression) -> Optional[Tuple[str, Optional[str]]]:
        """What a stored value pins: ("the instance", None), or ("", attr) for `self.attr`
        (a bound method if attr turns out to be a method)."""
        ctx = self.context
        selfp = self_name(ctx)
        if isinstance(value, cst.Name):
            if selfp is not None and value.value == selfp:
                return "the instance", None
            found = enclosing_method(ctx)
            if found is not None and self._new_instance(value.value, found[1]):
                return "the new instance", None
            return None
        if (
            isinstance(value, cst.Attribute)
            and selfp is not None
            and isinstance(value.value, cst.Name)
            and value.value.value == selfp
        ):
            return "", value.attr.value
        if isinstance(value, (cst.Tuple, cst.List, cst.Set)):
            for element in value.elements:
                found_what = self._what(element.value)
                if found_what is not None:
                    return found_what
        return None

    def _maybe_store(self, node: cst.CSTNode, key: Tuple[Key, str, bool], value: cst.BaseExpression) -> bool:
        what = self._what(value)
        if what is None:
            return False
        found = enclosing_method(self.context)
        if found is None:
            return False
        cls_scope, method_scope = found
        facts = self.facts.class_of(cls_scope)
        if facts is None or facts.is_metaclass or method_scope.name == "__del__":
            return False  # `__del__` storing self is deliberate resurrection
        method_name = f"{cls_scope.name}.{method_scope.name}"
        method = method_scope.node
        factory = self._is_class_method(method)
        self.stores.append(
            Store(node, key[0], key[1], what[0], what[1], facts, method_name, key[1] == "self", id(method), factory)
        )
        return True

    @property
    def facts(self) -> ModuleFacts:
        return self.context.fact(ModuleFacts)
