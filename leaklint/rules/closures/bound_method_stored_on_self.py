from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import dotted_name
from ...analysis.scopes import Scope, binding_scope
from ...matchers import class_bases, decorator_names, self_name
from ...types import Confidence, Invalid, Valid
from ...policy import in_test_code
from ._common import StorageTracker
from ...traverse import children

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
    Opt-in (`default_enabled = False`): on the ecosystem corpus (20 PyPI projects + the
    standard library) it reports 106 findings; in a systematic sample (every 7th, 16
    findings) nearly all were self-cycles on objects that live for the whole process or
    are few (a resolver, a worker pool, a router, Tk widgets, a tracer choosing its
    strategy once) or test code: the cycle is real but the cyclic collector frees it and
    nothing accumulates. Per-request objects (a form's `save_m2m`) were the rare exception.

    A bound method stored on an object the instance holds (`self._conn.lookup = self._lookup`)
    is the same cycle one step longer and is reported too. Measured on the ecosystem corpus
    after it was added: 15 findings of this form (87 for the rule), all in the standard
    library's expat wiring (`plistlib`, `xml.sax.expatreader`, `xml.dom.expatbuilder`:
    `self._parser.StartElementHandler = self.start_element`), a real cycle per parser that the
    cyclic collector frees; not labelled in bench/ecosystem/labels yet.

    Only methods the class (or a base class in the same module) defines with `def` are
    recognised; properties (also `cached_property`, `memoized_property`, `reify` and other
    property-like decorators), static and class methods are not bound to the instance and are
    not reported. The value must keep the bound method: the method itself, a container or
    conditional holding it, `functools.partial`, a cache wrapper, `types.MethodType`, a call
    that wraps the very method it replaces (`self.h = wrap(self.h)`), or (medium confidence)
    an object constructed with it (`self.timer = Timer(self.tick)`). The result of any other
    call is not assumed to keep its arguments (`self.id = widget.bind(..., self.on_key)`).
    tkinter widgets (Tk keeps commands in the Tcl interpreter), threads (they drop their
    target when done) and anything named `Weak...` are not reported. An attribute that the class sets back to `None` (or deletes) outside `__init__`,
    for example in `close()`, is not reported: the cycle is broken there. Wrapping with
    `weakref.WeakMethod` / `weakref.ref` is not reported. For another object (`job.wait =
    job.result`) the object must have been created in the same function from a class of the
    same module, and the finding has medium confidence.

    Off by default. Every finding is a real reference cycle, but it only costs something when
    the class has many instances over the life of the process (one per request, connection,
    parsed item) and the cyclic collector runs rarely or not at all. On the standard library,
    17 installed packages and 20 ecosystem projects, about a third of a sample of 30 findings
    were such classes (asyncio socket transports, paramiko transports, ipaddress networks,
    GEOS geometries); the rest were application objects, dialects, middleware, fields and
    other objects that live for the whole process, for which the cycle is harmless. Enable
    it (`extend-select = ["LL304"]`) where the garbage collector is disabled or tuned down,
    or for code that creates many short-lived instances.

    Test code is not reported: test functions (`test*`, `setUp`, `tearDown`), methods of
    test classes (`Test*`, `*Test`, `*Tests`, `*TestCase`) and modules that import `unittest`
    or `pytest`; tests run once and keep exceptions, frames and callbacks on purpose.

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
    owned_message = "{target} holds the bound method {method} of the object that owns it: the object references itself through its attribute, a reference cycle that only the cyclic garbage collector can free"
    closure_message = "{target} holds a {what} that captures {owner}: the object references itself, a reference cycle that only the cyclic garbage collector can free"
    confidence = Confidence.HIGH
    default_enabled = False
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
    ]

    INVALID = [
        Invalid(
            """
            class Reader:
                def connect(self, connect):
                    self._conn = connect()
                    self._conn.lookup = self._lookup  # LL304

                def close(self):
                    self._conn.close()

                def _lookup(self, table):
                    return table
            """,
            id="bound-method-on-an-owned-object",
            message_contains="owns it",
        ),
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
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        # per class node: method name -> method / static / class / property
        self._methods: Dict[cst.ClassDef, Dict[str, str]] = {}
        self._bases: Dict[cst.ClassDef, List[str]] = {}
        self._classes: Dict[str, cst.ClassDef] = {}
        self._instances: Dict[Tuple[Scope, str], str] = {}
        self._candidates: List[tuple] = []
        self._owned: Set[int] = set()  # candidates stored on an attribute of self (self.x.cb = ...)

    # ------------------------------------------------------------------ class facts
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._bases[node] = class_bases(self.context, node)
        self._classes[node.name.value] = node
        self._methods.setdefault(node, {})

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.context
        scope = ctx.scope
        if scope.kind != "class" or not isinstance(scope.node, cst.ClassDef):
            return
        kind = "method"
        for name, _, _ in decorator_names(ctx, node):
            if name in NON_INSTANCE:
                kind = NON_INSTANCE[name]
                break
            last = name.rsplit(".", 1)[-1].lower()
            if name.endswith((".setter", ".getter", ".deleter")) or "property" in last or last in ("reify", "lazy", "memoize"):
                kind = "property"  # memoized_property, cached_property, reify, hybrid_property ...
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
        ctx = self.context
        value = node.value
        # `job = Job()`: a local whose class this module defines
        if ctx.scope.is_function and isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self._instances[(ctx.scope, target.target.value)] = value.func.value
        for target in node.targets:
            self._check(node, target.target, value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._check(node, node.target, node.value)

    def _check(self, node: cst.CSTNode, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        ctx = self.context
        if not isinstance(target, cst.Attribute):
            return
        me = self_name(ctx)
        base = target.value
        if isinstance(base, cst.Attribute) and isinstance(base.value, cst.Name) and me and base.value.value == me:
            # `self._conn.callback = self.on_x`: on an object the instance holds, the same cycle
            # one step longer (self -> self._conn -> bound method -> self)
            if ctx.function_scope is None or in_test_code(ctx, ctx.scope):
                return
            cls = ctx.method_class() or _outer_class(ctx.scope)
            refs, cache = _bound_refs(ctx, value, me, target.attr.value)
            if refs and cls is not None:
                self._owned.add(id(node))
                self._candidates.append((node, dotted_name(target), cls, "", me, target.attr.value, refs, cache, []))
            return
        if not isinstance(base, cst.Name):
            return
        if ctx.function_scope is None or in_test_code(ctx, ctx.scope):
            return
        receiver = base.value
        cls_name = ""
        if receiver == me:
            cls = ctx.method_class() or _outer_class(ctx.scope)
        else:
            found = binding_scope(receiver, ctx.scope)
            if found is None or not found.is_function:
                return
            cls = None
            cls_name = self._instances.get((found, receiver), "")
            if not cls_name:
                return  # an object of unknown class: its attributes may be anything
        refs, cache = _bound_refs(ctx, value, receiver, target.attr.value)
        closures = [c for c in self.closures_in(value, partials=False)] if cls is not None else []
        if refs or closures:
            self._candidates.append((node, dotted_name(target), cls, cls_name, receiver, target.attr.value, refs, cache, closures))

    # ------------------------------------------------------------------ decide
    def leave_Module(self, original_node: cst.Module) -> None:
        ctx = self.context
        seen: Set[int] = set()
        for node, target, cls, cls_name, receiver, attr, refs, cache, closures in self._candidates:
            if attr in self.shrunk or id(node) in seen:
                continue
            seen.add(id(node))
            if cls is not None:
                cls_node = cls.node if isinstance(cls.node, cst.ClassDef) else None
            else:
                cls_node = self._classes.get(cls_name)
            if cls_node is None:
                continue
            bound = [(m, conf) for m, conf in refs if self._method_kind(cls_node, m) == "method"]
            if bound:
                method, conf = bound[0]
                if any(c == Confidence.HIGH for _, c in bound):
                    method, conf = next((m, c) for m, c in bound if c == Confidence.HIGH)
                if cls is None:
                    conf = Confidence.MEDIUM
                message = self.cache_message if cache else self.owned_message if id(node) in self._owned else self.message
                self.report(node, message=message, confidence=conf, target=target, method=method)
                continue
            for closure in closures:
                if receiver in closure.captured(ctx):
                    self.report(node, message=self.closure_message, target=target, what=closure.describe(), owner=receiver)
                    break


def _outer_class(scope: Optional[Scope]) -> Optional[Scope]:
    """The class of the method a nested function / lambda runs in."""
    while scope is not None:
        if scope.kind == "function" and scope.parent is not None and scope.parent.kind == "class":
            return scope.parent
        scope = scope.parent
    return None


# callables that keep (a reference to) what they are given
HOLDERS = frozenset({"functools.partial", "functools.partialmethod", "functools.wraps", "functools.update_wrapper"})
# constructors that take a callback but do not keep it on the Python object (Tk keeps widget
# commands in the Tcl interpreter) or drop it when done (threads delete their target)
NOT_HOLDING_PREFIXES = ("tkinter.", "idlelib.", "threading.", "multiprocessing.", "_thread.", "concurrent.")


def _bound_refs(ctx, value: cst.BaseExpression, receiver: str, attr: str) -> Tuple[List[Tuple[str, Confidence]], bool]:
    """Method names `receiver.m` that `value` keeps uncalled (bound methods), each with the
    confidence that the stored value really holds it, and whether a cache wraps them."""
    found: List[Tuple[str, Confidence]] = []
    cache = False
    # (node, confidence if a bound method is found here, inside a cache call)
    stack: List[Tuple[cst.CSTNode, Confidence, bool]] = [(value, Confidence.HIGH, False)]
    while stack:
        node, conf, in_cache = stack.pop()
        if isinstance(node, cst.Attribute):
            if isinstance(node.value, cst.Name) and node.value.value == receiver:
                found.append((node.attr.value, conf))
                cache = cache or in_cache
            continue  # `self.m.__name__`, `other.attr`: not a bound method of receiver
        if isinstance(node, cst.Call):
            name = ctx.call_name(node) or ""
            func = node.func
            callee = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
            if name in WEAK_WRAPPERS or "weak" in callee.lower():
                continue  # weakref.WeakMethod, WeakPopulateDict(self.m): built not to keep it
            if name == "types.MethodType" and len(node.args) >= 2:
                obj = node.args[1].value
                if isinstance(obj, cst.Name) and obj.value == receiver:
                    found.append((dotted_name(node.args[0].value) or "function", conf))
                continue
            if name in CACHES or (isinstance(func, cst.Call) and ctx.call_name(func) in CACHES):
                for arg in node.args:
                    stack.append((arg.value, conf, True))
                continue
            if name in HOLDERS or (isinstance(func, cst.Call) and ctx.call_name(func) in HOLDERS):
                for arg in node.args:
                    stack.append((arg.value, conf, in_cache))
                continue
            # `self.handler = wrap(self.handler)`: a wrapper around the method it replaces
            first = node.args[0].value if node.args and node.args[0].keyword is None else None
            if (
                isinstance(first, cst.Attribute)
                and isinstance(first.value, cst.Name)
                and first.value.value == receiver
                and first.attr.value == attr
            ):
                found.append((attr, conf))
            # `Timer(self.tick)`: objects built with a callback usually keep it
            if callee.lstrip("_")[:1].isupper() and not name.startswith(NOT_HOLDING_PREFIXES) and not (
                not name and ctx.imports_module("tkinter")  # `from tkinter import *`
            ):
                for arg in node.args:
                    stack.append((arg.value, Confidence.MEDIUM, in_cache))
            continue
        if isinstance(node, (cst.Lambda, cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            continue
        if isinstance(node, (cst.Subscript, cst.Await, cst.UnaryOperation, cst.BinaryOperation, cst.Comparison)):
            continue  # `self.table[key]`, arithmetic: values computed from it, not the method
        for child in children(node):
            stack.append((child, conf, in_cache))
    return found, cache
