from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.scopes import is_module_variable
from ...matchers import ENUM_BASES, call_arg, first_param, self_name
from ...policy import in_test_code
from ...types import Confidence, Invalid, Valid
from ._common import (
    RegistrationRule,
    PROTOCOL_METHODS,
    ClassFacts,
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
ENUM_SHORT = frozenset(b.rsplit(".", 1)[-1] for b in ENUM_BASES)
Key = Tuple[str, str]  # ("module", name) | ("attr", attribute name)


class _Store:
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


class SelfRegisteringInstance(RegistrationRule):
    """
    ## What it does
    Checks for methods that store the instance (or one of its bound methods) in a container
    that outlives it: a class attribute, a module-level list / dict / set, or state reached
    through `type(self)`, `self.__class__` or `cls`, when nothing in the module ever removes it.

    ## Why is this bad?
    A class attribute lives as long as the class and a module global as long as the module:
    for the whole life of the process. Once an instance has put itself (or `self.method`, which
    holds `self`) into such a container, that reference keeps the instance, and everything it
    owns, alive after every user of the object has dropped it. The registry grows by one entry
    per instance ever created; nothing is freed until the entry is removed. A `__del__` that
    removes the entry does not help: it can only run once the instance is unreachable, and the
    registry itself keeps it reachable.

    Weak containers (`weakref.WeakSet`, `WeakValueDictionary`, `WeakKeyDictionary`) are not
    reported, nor is a registry the class empties again (`remove(self)`, `discard(self)`,
    `del REG[key]`, `pop(...)`, `clear()`) in any method, `close()` and `__exit__` included.
    When the only removal sits in a private method (`_unregister`) that nothing in the module
    calls or refers to, the finding is kept at medium confidence; a public method such as
    `close()` is API that callers outside the module are expected to call. A single slot (`REG["default"] = self`, `cls._instances[cls] = self`)
    holds one instance per key, not one per call, and is not reported; nor is a class the
    module itself instantiates at top level (`REACHABLE = Status(True)`), whose registry holds
    a fixed set of constants like enum members.

    ## Known problems
    On the ecosystem corpus (20 PyPI projects + the 3.11 stdlib) its only finding was a false
    positive (a test double recording its instances for one test); on the fresh sample its
    five were registries of module constants made at import in other modules (bokeh's
    validation warnings and named colors). Test code is now not reported, nor is a class the
    project's lifetime model sees made only once per process (at import, anywhere in the
    project). A rerun on the ecosystem corpus gives no finding; three of the fresh sample's
    five (bokeh's `NamedColor`, `Warning`) are still reported, because the model answers
    "unknown" for those classes: it counts a class passed to `isinstance()`, and `self` passed
    as an argument, as the class handed around to be made elsewhere. It stays opt-in
    (`default_enabled = False`) until it shows a precision of 90% on real code.

    A registry of a handful of long-lived objects (one per configured backend, one per thread
    the program starts) is bounded in practice; suppress those with a comment that says why.
    A container created by a call the rule does not know (`Registry()`) is assumed to manage
    its own references and is not reported. A lambda, nested function or `functools.partial`
    over `self` stored in the same places is reported by LL301, not here: one site, one finding.

    ## Fix safety
    There is no automatic fix. Use a weak container (`weakref.WeakSet()`,
    `weakref.WeakValueDictionary()`), or remove the instance in `close()` / `__exit__` and make
    sure callers call it (a context manager), or register a `weakref.WeakMethod` for a method.

    ## References
    - [weakref — weak references](https://docs.python.org/3/library/weakref.html)
    - [object.__del__](https://docs.python.org/3/reference/datamodel.html#object.__del__)
    - LL301 (closures stored in long-lived containers), LL202 (listeners never removed).
      No rule of ruff, flake8-bugbear or pylint covers this pattern.
    """

    code = "LL201"
    name = "self-registering-instance"
    message = "{method} stores {what} in {container} and nothing removes it, so every instance stays alive as long as the {owner}"
    uncalled_message = "{method} stores {what} in {container}; only {remover} removes it, and nothing in this module calls {remover}"
    finalizer_message = "{method} stores {what} in {container} and only {remover} removes it, which cannot run while {container} holds the instance"
    confidence = Confidence.HIGH
    default_enabled = False
    triggers = ("class",)
    fix_title = "Use a weakref container, or remove the instance in close() / __exit__"

    VALID = [
        Valid(
            """
            import weakref

            class Connection:
                _live = weakref.WeakSet()

                def __init__(self):
                    self._live.add(self)
                    Connection._live.add(self)
            """,
            id="weakset-class-attribute",
        ),
        Valid(
            """
            from weakref import WeakValueDictionary

            _by_id = WeakValueDictionary()

            class Session:
                def __init__(self, sid):
                    _by_id[sid] = self
            """,
            id="weak-value-dictionary-module",
        ),
        Valid(
            """
            import collections
            import weakref

            class Node:
                _by_kind = collections.defaultdict(weakref.WeakSet)

                def __init__(self, kind):
                    type(self)._by_kind[kind].add(self)
            """,
            id="defaultdict-of-weaksets",
        ),
    ]

    INVALID = [
        Invalid(
            """
            class Connection:
                _all = []

                def __init__(self):
                    Connection._all.append(self)  # LL201
            """,
            id="class-list-append",
            confidence=Confidence.HIGH,
        ),
        Invalid(
            """
            _live = {}

            class Session:
                def __init__(self, sid):
                    _live[sid] = self  # LL201
            """,
            id="module-dict-subscript",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self.stores: List[_Store] = []
        self.removals: Dict[Key, List[_Removal]] = {}
        # container key -> every value assigned to it anywhere in the module, with whether it is weak
        self.definitions: Dict[Key, List[Tuple[cst.BaseExpression, bool]]] = {}
        # (id(function node), name): locals of __new__ / classmethods holding a new instance
        self.instance_locals: Set[Tuple[int, str]] = set()
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
            self._note_instance_local(target.target, node.value)
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

    def _note_instance_local(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """In `__new__` and classmethods: `obj = super().__new__(cls)`, `obj = cls(...)`."""
        if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
            return
        found = enclosing_method(self.context)
        if found is None:
            return
        _, method_scope = found
        method = method_scope.node
        if not self._is_class_method(method):
            return
        first = first_param(method)  # type: ignore[arg-type]
        func = value.func
        creates = (isinstance(func, cst.Attribute) and func.attr.value == "__new__") or (
            isinstance(func, cst.Name) and func.value == first
        )
        if creates:
            self.instance_locals.add((id(method), target.value))

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
            if found is not None and (id(found[1].node), value.value) in self.instance_locals:
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
            _Store(node, key[0], key[1], what[0], what[1], facts, method_name, key[1] == "self", id(method), factory)
        )
        return True

    def _is_enum(self, cls: ClassFacts) -> bool:
        for facts in self.facts.lineage(cls):
            if any(base in ENUM_BASES or base.rsplit(".", 1)[-1] in ENUM_SHORT for base in facts.bases):
                return True
        return False

    # ------------------------------------------------------------------ decision
    def leave_Module(self, original_node: cst.Module) -> None:
        reported: Set[int] = set()
        for store in self.stores:
            if id(store.node) in reported:
                continue
            decision = self._decide(store)
            if decision is None:
                continue
            message, confidence, placeholders = decision
            reported.add(id(store.node))
            self.report(store.node, message=message, confidence=confidence, **placeholders)

    def _decide(self, store: _Store):
        facts = self.facts
        cls = store.cls
        assert cls is not None
        if self._is_enum(cls):
            return None  # enum members (and pseudo-members) live as long as the class by design
        if cls.name in self.module_level_instances:
            return None  # `REACHABLE = Status(True)`: a registry of module constants
        if in_test_code(self.context):
            return None  # a test double recording its instances: dropped with the test process
        project = self.context.project
        if project is not None:
            module = self.context.module
            if project.class_multiplicity(f"{module}.{cls.name}" if module else cls.name).value == "once":
                return None  # made only at import (constants in other modules) or by once-per-process code
        if store.factory and (store.function, store.key) in self.lookups:
            return None  # interning in `__new__`: one shared instance per key, by design
        what = store.what
        if store.bound_attr is not None:
            if not facts.is_method(cls, store.bound_attr) or facts.is_self_attr(cls, store.bound_attr):
                return None
            what = f"its bound method {store.bound_attr}"
        key = store.key
        definitions = self.definitions.get(key, [])
        if any(weak for _, weak in definitions):
            return None
        strong = key in self.strong
        confidence = Confidence.HIGH
        if key[0] == "module":
            if not strong:
                return None
            container, owner = f"module-level {key[1]}", "module"
        else:
            if store.kind == "self":
                # `self.attr` reaches the class attribute only if no method assigns it per instance
                values = facts.class_attr_values(cls, key[1])
                if values is None or facts.is_self_attr(cls, key[1]):
                    return None
            if definitions and not strong:
                return None
            if not definitions:
                if not facts.has_foreign_base(cls):
                    return None
                confidence = Confidence.MEDIUM
            container, owner = f"class attribute {key[1]}", "class"
        placeholders = {"method": store.method, "what": what, "container": container, "owner": owner}
        removals = self.removals.get(key, [])
        if not removals:
            return self.message, confidence, placeholders
        uncalled: List[str] = []
        finalizers: List[str] = []
        for removal in removals:
            name = removal.function
            if name is None or removal.nested:
                return None
            if name == "__del__":
                finalizers.append(name)
            elif name in PROTOCOL_METHODS or not name.startswith("_") or facts.referenced(name):
                # a public method is API: callers outside this module may call it
                return None
            else:
                uncalled.append(name)
        if uncalled:
            return self.uncalled_message, Confidence.MEDIUM, dict(placeholders, remover=uncalled[0])
        return self.finalizer_message, Confidence.HIGH, dict(placeholders, remover=finalizers[0])
