from __future__ import annotations

from typing import List, Set

import libcst as cst

from ...matchers import ENUM_BASES
from ...policy import in_test_code
from ...types import Confidence, Invalid, Valid
from ._common import PROTOCOL_METHODS, ClassFacts, RegistrationRule
from ._stores import InstanceStores, Store

ENUM_SHORT = frozenset(b.rsplit(".", 1)[-1] for b in ENUM_BASES)

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

    requires = RegistrationRule.requires + (InstanceStores,)

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self.found = self.fact(InstanceStores)

    def _is_enum(self, cls: ClassFacts) -> bool:
        for facts in self.facts.lineage(cls):
            if any(base in ENUM_BASES or base.rsplit(".", 1)[-1] in ENUM_SHORT for base in facts.bases):
                return True
        return False

    # ------------------------------------------------------------------ decision
    def leave_Module(self, original_node: cst.Module) -> None:
        reported: Set[int] = set()
        for store in self.found.stores:
            if id(store.node) in reported:
                continue
            decision = self._decide(store)
            if decision is None:
                continue
            message, confidence, placeholders = decision
            reported.add(id(store.node))
            self.report(store.node, message=message, confidence=confidence, **placeholders)

    def _decide(self, store: Store):
        facts = self.facts
        cls = store.cls
        assert cls is not None
        if self._is_enum(cls):
            return None  # enum members (and pseudo-members) live as long as the class by design
        if cls.name in self.found.module_level_instances:
            return None  # `REACHABLE = Status(True)`: a registry of module constants
        if in_test_code(self.context):
            return None  # a test double recording its instances: dropped with the test process
        project = self.context.project
        if project is not None:
            module = self.context.module
            if project.class_multiplicity(f"{module}.{cls.name}" if module else cls.name).value == "once":
                return None  # made only at import (constants in other modules) or by once-per-process code
        if store.factory and (store.function, store.key) in self.found.lookups:
            return None  # interning in `__new__`: one shared instance per key, by design
        what = store.what
        if store.bound_attr is not None:
            if not facts.is_method(cls, store.bound_attr) or facts.is_self_attr(cls, store.bound_attr):
                return None
            what = f"its bound method {store.bound_attr}"
        key = store.key
        definitions = self.found.definitions.get(key, [])
        if any(weak for _, weak in definitions):
            return None
        strong = key in self.found.strong
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
        removals = self.found.removals.get(key, [])
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
