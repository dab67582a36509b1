from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ..context import Scope, dotted_name
from ..matchers import class_bases, decorator_names, self_name
from ..types import Confidence, Invalid, Valid
from ._closures import Closure, StorageTracker, resolve

# wrappers that do not keep a strong reference to the bound method they are given
WEAK_WRAPPERS = frozenset({"weakref.WeakMethod", "weakref.ref", "weakref.proxy", "weakref.finalize"})
CACHES = frozenset({"functools.lru_cache", "functools.cache"})
NON_INSTANCE = {
    "builtins.staticmethod": "static",
    "?staticmethod": "static",
    "builtins.classmethod": "class",
    "?classmethod": "class",
    "builtins.property": "property",
    "?property": "property",
    "functools.cached_property": "property",
    "?cached_property": "property",
}


class BoundMethodStoredOnSelf(StorageTracker):
    """
    ## What it does
    Checks for an instance attribute assigned a value that holds a bound method of the same
    instance: `self.handler = wrap(self.handler)`, `self.lookup =
    functools.lru_cache(None)(self._lookup)`, `self.callbacks = {"a": self.on_a}`,
    `self.cb = functools.partial(self.on_event, 1)`, `job.wait = job.result`, and lambdas or
    nested functions that capture `self` stored on `self` (`self.cb = lambda: self.flush()`).

    ## Why is this bad?
    A bound method holds a strong reference to its instance (`method.__self__`); a lambda
    over `self` holds it through its closure cell. Stored on the instance, it makes the
    instance reference itself: a reference cycle. When the program drops its last reference,
    reference counting cannot free the object or anything it owns; it waits for the cyclic
    garbage collector, which may run much later (or never, with `gc.disable()` or high
    thresholds). A cache wrapper built this way also keeps every argument it was called with
    alive until then.

    ## Known problems
    Only methods the class (or a base class in the same module) defines with `def` are
    recognised; properties, static and class methods are not bound to the instance and are not
    reported. An attribute that the class sets back to `None` (or deletes) outside `__init__`,
    for example in `close()`, is not reported: the cycle is broken there. Wrapping with
    `weakref.WeakMethod` / `weakref.ref` is not reported. For another object (`job.wait =
    job.result`) the method must be defined by a class of the same module, and the finding has
    medium confidence.

    ## Fix safety
    There is no automatic fix. Wrap the function rather than the bound method and bind it on
    use (`type(self).handler`, or a class-level decorator / descriptor such as
    `functools.cached_property`), call through a `weakref.WeakMethod`, or compute the value
    in a method instead of storing the callable.

    ## References
    - [Instance methods and `__self__`](https://docs.python.org/3/reference/datamodel.html#instance-methods)
    - [weakref.WeakMethod](https://docs.python.org/3/library/weakref.html#weakref.WeakMethod), [gc](https://docs.python.org/3/library/gc.html)
    - [Python FAQ: How do I cache method calls?](https://docs.python.org/3/faq/programming.html#how-do-i-cache-method-calls)
    - Related: LL103 (cache on an instance method), LL502 (`__del__` on cyclic objects).
    """

    code = "LL304"
    name = "bound-method-stored-on-self"
    message = "{target} holds the bound method {method} of the same object: the object references itself, a reference cycle that only the cyclic garbage collector can free"
    cache_message = "{target} holds a cache around the bound method {method} of the same object: a reference cycle that only the cyclic garbage collector can free, and the cache keeps every argument alive until then"
    closure_message = "{target} holds a {what} that captures {owner}: the object references itself, a reference cycle that only the cyclic garbage collector can free"
    confidence = Confidence.HIGH
    triggers = ("def ",)
    fix_title = "Wrap the function (type(self).method) or use weakref.WeakMethod instead of storing a bound method on self"

    VALID = [
        Valid(
            """
            class Handler:
                def __init__(self):
                    self.result = self.compute()
                    self.name = self.compute.__name__

                def compute(self):
                    return 1
            """,
            id="method-called-not-stored",
        ),
        Valid(
            """
            import weakref

            class Handler:
                def __init__(self, bus):
                    self._cb = weakref.WeakMethod(self.on_event)
                    bus.subscribe(self._cb)

                def on_event(self, event):
                    pass
            """,
            id="weak-method",
        ),
        Valid(
            """
            import functools

            class Handler:
                def __init__(self):
                    self.lookup = functools.lru_cache(maxsize=None)(type(self)._lookup)

                def _lookup(self, key):
                    return key
            """,
            id="wraps-the-function-not-the-bound-method",
        ),
        Valid(
            """
            class Handler:
                def __init__(self, other):
                    self.forward = other.handle
                    self.size = self.total

                @property
                def total(self):
                    return 1

                @staticmethod
                def helper():
                    return 2

                def setup(self):
                    self.fn = self.helper
            """,
            id="other-objects-method-property-staticmethod",
        ),
        Valid(
            """
            class Stream:
                def __init__(self):
                    self._write = None

                def open(self):
                    self._write = self._write_open

                def close(self):
                    self._write = None

                def _write_open(self, data):
                    pass
            """,
            id="reset-in-close",
        ),
        Valid(
            """
            class Button:
                def __init__(self, label):
                    self.label = label
                    self.text = lambda: label.upper()
            """,
            id="lambda-not-capturing-self",
        ),
    ]

    INVALID = [
        Invalid(
            """
            class Service:
                def __init__(self, wrap):
                    self.handler = wrap(self.handler)  # LL304

                def handler(self, request):
                    return request
            """,
            id="wrapped-bound-method",
            message_contains="bound method handler",
        ),
        Invalid(
            """
            import functools

            class Service:
                def __init__(self):
                    self.lookup = functools.lru_cache(None)(self._lookup)  # LL304

                def _lookup(self, key):
                    return key
            """,
            id="lru-cache-of-bound-method",
            message_contains="keeps every argument",
        ),
        Invalid(
            """
            import functools

            class Parser:
                def __init__(self):
                    self.dispatch = {"a": self.parse_a, "b": self.parse_b}  # LL304
                    self.on_b = functools.partial(self.parse_b, strict=True)  # LL304
                    self.alias = self.parse_a  # LL304

                def parse_a(self, text):
                    return text

                def parse_b(self, text, strict=False):
                    return text
            """,
            id="dispatch-dict-partial-alias",
        ),
        Invalid(
            """
            class Base:
                def flush(self):
                    pass

            class Writer(Base):
                def __init__(self):
                    self.on_exit = lambda: self.flush()  # LL304

                    def tick():
                        self.flush()
                    self.tick = tick  # LL304
            """,
            id="closure-over-self-stored-on-self",
            message_contains="captures self",
        ),
        Invalid(
            """
            class Job:
                def result(self):
                    return 1

            def make_job():
                job = Job()
                job.wait = job.result  # LL304
                return job
            """,
            id="other-receiver-own-method",
            confidence=Confidence.MEDIUM,
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        # per class node: method name -> method / static / class / property
        self._methods: Dict[cst.ClassDef, Dict[str, str]] = {}
        self._bases: Dict[cst.ClassDef, List[str]] = {}
        self._classes: Dict[str, cst.ClassDef] = {}
        # (node, target text, class scope or None, receiver, attr, [method names], cache?, [closures])
        self._candidates: List[Tuple[cst.CSTNode, str, Optional[Scope], str, str, List[str], bool, List[Closure]]] = []

    # ------------------------------------------------------------------ class facts
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        super().visit_ClassDef(node)
        self._bases[node] = class_bases(self.context, node)
        self._classes[node.name.value] = node
        self._methods.setdefault(node, {})

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        ctx = self.context
        scope = ctx.scope
        if scope.kind != "class" or not isinstance(scope.node, cst.ClassDef):
            return
        kind = "method"
        for name, _, _ in decorator_names(ctx, node):
            if name in NON_INSTANCE:
                kind = NON_INSTANCE[name]
                break
            if name.endswith((".setter", ".getter", ".deleter")):
                kind = "property"
                break
        self._methods.setdefault(scope.node, {})[node.name.value] = kind

    def _method_kind(self, cls: cst.ClassDef, name: str, depth: int = 0) -> Optional[str]:
        """'method' / 'static' / ... for a def in `cls` or its in-module bases; 'unknown' when
        the class has bases from elsewhere that may define it; None when surely not a method."""
        kind = self._methods.get(cls, {}).get(name)
        if kind is not None:
            return kind
        if depth > 20:
            return None
        unknown = False
        for base in self._bases.get(cls, []):
            if base in ("object", "builtins.object"):
                continue
            node = self._classes.get(base)
            if node is None:
                unknown = True
                continue
            found = self._method_kind(node, name, depth + 1)
            if found is not None and found != "unknown":
                return found
            unknown = unknown or found == "unknown"
        return "unknown" if unknown else None

    # ------------------------------------------------------------------ sinks
    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        for target in node.targets:
            self._check(node, target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        super().visit_AnnAssign(node)
        if node.value is not None:
            self._check(node, node.target, node.value)

    def _check(self, node: cst.CSTNode, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        ctx = self.context
        if not isinstance(target, cst.Attribute) or not isinstance(target.value, cst.Name):
            return
        if ctx.function_scope is None:
            return
        receiver = target.value.value
        me = self_name(ctx)
        if receiver == me:
            cls = ctx.method_class() or _outer_class(ctx.scope)
        else:
            found = resolve(receiver, ctx.scope)
            if found is None or not found.is_function:
                return
            cls = None
        methods, cache = _bound_refs(ctx, value, receiver)
        closures = [c for c in self.closures_in(value, partials=False)]
        if methods or closures:
            self._candidates.append((node, dotted_name(target), cls, receiver, target.attr.value, methods, cache, closures))

    # ------------------------------------------------------------------ decide
    def leave_Module(self, original_node: cst.Module) -> None:
        ctx = self.context
        all_methods: Set[str] = {n for table in self._methods.values() for n, k in table.items() if k == "method"}
        for node, target, cls, receiver, attr, methods, cache, closures in self._candidates:
            if attr in self.shrunk:
                continue
            if cls is not None:
                cls_node = cls.node
                bound = [m for m in methods if isinstance(cls_node, cst.ClassDef) and self._method_kind(cls_node, m) == "method"]
                confidence = Confidence.HIGH
            else:
                bound = [m for m in methods if m in all_methods]
                confidence = Confidence.MEDIUM
            if bound:
                message = self.cache_message if cache else self.message
                self.report(node, message=message, confidence=confidence, target=target, method=bound[0])
                continue
            for closure in closures:
                if receiver in closure.captured(ctx):
                    self.report(
                        node, message=self.closure_message, confidence=confidence,
                        target=target, what=closure.describe(), owner=receiver,
                    )
                    break


def _outer_class(scope: Optional[Scope]) -> Optional[Scope]:
    """The class of the method a nested function / lambda runs in."""
    while scope is not None:
        if scope.kind == "function" and scope.parent is not None and scope.parent.kind == "class":
            return scope.parent
        scope = scope.parent
    return None


def _bound_refs(ctx, value: cst.BaseExpression, receiver: str) -> Tuple[List[str], bool]:
    """Method names `receiver.m` that `value` keeps uncalled (as bound methods), and whether
    they are wrapped in a cache."""
    found: List[str] = []
    cache = False
    stack: List[Tuple[cst.CSTNode, bool]] = [(value, False)]
    while stack:
        node, in_cache = stack.pop()
        if isinstance(node, cst.Attribute):
            if isinstance(node.value, cst.Name) and node.value.value == receiver:
                found.append(node.attr.value)
                cache = cache or in_cache
                continue
            if isinstance(node.value, cst.Attribute) and isinstance(node.value.value, cst.Name) and node.value.value.value == receiver:
                continue  # `self.m.__name__`: an attribute of the method, not the method
            stack.append((node.value, in_cache))
            continue
        if isinstance(node, cst.Call):
            name = ctx.call_name(node)
            if name in WEAK_WRAPPERS:
                continue
            if name == "types.MethodType" and len(node.args) >= 2:
                obj = node.args[1].value
                if isinstance(obj, cst.Name) and obj.value == receiver:
                    found.append(dotted_name(node.args[0].value) or "function")
                continue
            wraps_cache = in_cache or name in CACHES or (
                isinstance(node.func, cst.Call) and ctx.call_name(node.func) in CACHES
            )
            func = node.func
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == receiver:
                pass  # `self.m(...)`: called, the result is stored
            elif not isinstance(func, cst.Name):
                stack.append((func, in_cache))
            for arg in node.args:
                stack.append((arg.value, wraps_cache))
            continue
        if isinstance(node, (cst.Lambda, cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            continue
        for child in node.children:
            stack.append((child, in_cache))
    return found, cache
