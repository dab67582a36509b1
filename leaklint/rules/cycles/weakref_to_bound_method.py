from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import dotted_name
from ...matchers import positional
from ...types import Confidence, Invalid, Valid
from ._common import ClassInfo, CycleCollector

REFS = {
    "weakref.ref": "weakref.ref()",
    "weakref.proxy": "weakref.proxy()",
    "weakref.ReferenceType": "weakref.ref()",
    "_weakref.ref": "weakref.ref()",
    "_weakref.proxy": "weakref.proxy()",
}
WEAK_SET = frozenset({"weakref.WeakSet", "_weakrefset.WeakSet"})
WEAK_KEYS = frozenset({"weakref.WeakKeyDictionary"})
WEAK_VALUES = frozenset({"weakref.WeakValueDictionary"})
KIND_TEXT = {"set": "WeakSet", "keys": "WeakKeyDictionary", "values": "WeakValueDictionary"}

Key = Tuple[Optional[cst.ClassDef], str]


class WeakrefToBoundMethod(CycleCollector):
    """
    ## What it does
    Checks for weak references to bound methods: `weakref.ref(self.method)`,
    `weakref.proxy(self.method)`, and a bound method added to a `weakref.WeakSet`, used as a
    key of a `weakref.WeakKeyDictionary` or stored as a value of a
    `weakref.WeakValueDictionary`.

    ## Why is this bad?
    `self.method` does not return a stored object: every attribute access creates a new bound
    method object that holds the function and the instance. Nothing else references that
    temporary, so a weak reference to it is dead as soon as the statement ends, and a weak
    container drops it at once. The callback is silently never called, although the instance
    is alive. This is the usual wrong fix for a listener registry that keeps its listeners
    alive (LL202): the registry stops keeping them alive, and also stops calling them, so
    whatever cleanup the callback was meant to do (evicting cache entries, closing per-request
    resources) never happens and those objects accumulate instead.

    ## Known problems
    A bound method is recognized when it is `self.name` (or `super().name`) and `name` is a plain
    method of the class or of a base class defined in the same module; attributes of other
    objects are not followed.

    ## Fix safety
    There is no automatic fix. Use `weakref.WeakMethod(self.method)` (dereference it with
    `ref()` and call the result if it is not None), or keep a weak reference to the instance and
    the method's name.

    ## References
    - [weakref.WeakMethod](https://docs.python.org/3/library/weakref.html#weakref.WeakMethod)
    - [Method objects](https://docs.python.org/3/reference/datamodel.html#instance-methods)
    - LL202 (listener registries that keep their listeners alive) is what this wrong fix tries
      to fix.
    """

    code = "LL503"
    name = "weakref-to-bound-method"
    message = "{how} of the bound method {method} is dead at once: the bound method is a temporary created by the attribute access, so the callback is silently dropped"
    container_message = "the bound method {method} put into the {kind} {container} is a temporary that the container drops at once, so the callback is silently lost"
    confidence = Confidence.HIGH
    triggers = ("weakref", "WeakSet", "WeakKeyDictionary", "WeakValueDictionary")
    fix_title = "Use weakref.WeakMethod(obj.method)"

    VALID = [
        Valid(
            """
            import weakref

            class Listener:
                def __init__(self, bus):
                    bus.subscribe(weakref.WeakMethod(self.on_event))
                    self._self_ref = weakref.ref(self)

                def on_event(self, event):
                    return event
            """,
            id="weak-method-and-weak-self",
        ),
        Valid(
            """
            import weakref

            class Client:
                def __init__(self, conn):
                    self.conn = conn
                    self._conn_ref = weakref.ref(self.conn)
                    self._sock = weakref.proxy(conn.sock)
            """,
            id="weakref-to-an-attribute-object",
        ),
        Valid(
            """
            import weakref

            def on_event(event):
                return event

            _listeners = weakref.WeakSet()
            _listeners.add(on_event)

            class Bus:
                def __init__(self):
                    self.listeners = weakref.WeakSet()

                def subscribe(self, listener):
                    self.listeners.add(listener)
            """,
            id="plain-functions-and-unknown-listeners",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import weakref

            class Listener:
                def __init__(self, bus):
                    self._callback = weakref.ref(self.on_event)  # LL503
                    bus.subscribe(weakref.proxy(self.on_event))  # LL503

                def on_event(self, event):
                    return event
            """,
            id="weakref-ref-and-proxy",
        ),
        Invalid(
            """
            from weakref import WeakSet, WeakKeyDictionary, WeakValueDictionary

            class Cache:
                handlers = WeakSet()

                def __init__(self):
                    self.by_callback = WeakKeyDictionary()
                    self.named = WeakValueDictionary()
                    self.handlers.add(self.invalidate)  # LL503
                    self.by_callback[self.invalidate] = "cache"  # LL503
                    self.named["invalidate"] = self.invalidate  # LL503
                    self.early = WeakSet([self.invalidate])  # LL503

                def invalidate(self):
                    pass
            """,
            id="weak-containers",
            message_contains="drops at once",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        # declared weak containers: key -> kind ("set" / "keys" / "values")
        self._weak: Dict[Key, str] = {}
        # (node, class, method name, is super, how) for weakref.ref / proxy
        self._refs: List[Tuple[cst.CSTNode, ClassInfo, str, bool, str]] = []
        # (node, class, method name, is super, container key, wanted kinds, container text)
        self._puts: List[Tuple[cst.CSTNode, ClassInfo, str, bool, Key, Set[str], str]] = []

    # ------------------------------------------------------------------ helpers
    def _self(self) -> Tuple[Optional[ClassInfo], Optional[str]]:
        if not self._frames:
            return None, None
        frame = self._frames[-1]
        return frame.cls, frame.self_name

    def _bound(self, expr: cst.BaseExpression) -> Optional[Tuple[ClassInfo, str, bool]]:
        """(class, method name, via super) when `expr` is `self.name` or `super().name`."""
        cls, s = self._self()
        if cls is None or s is None or not isinstance(expr, cst.Attribute):
            return None
        base = expr.value
        if isinstance(base, cst.Name) and base.value == s:
            return cls, expr.attr.value, False
        if isinstance(base, cst.Call) and isinstance(base.func, cst.Name) and base.func.value == "super" and not base.args:
            return cls, expr.attr.value, True
        return None

    def _key(self, target: cst.BaseExpression) -> Optional[Key]:
        cls, s = self._self()
        if isinstance(target, cst.Name):
            if self.context.scope.kind == "class" and self._class_stack:
                return (self._class_stack[-1].node, "self." + target.value)
            return (None, target.value)
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            if cls is not None and target.value.value == s:
                return (cls.node, "self." + target.attr.value)
            text = dotted_name(target)
            return (None, text) if text else None
        return None

    def _kind(self, call: cst.BaseExpression) -> Optional[str]:
        if not isinstance(call, cst.Call):
            return None
        name = self.context.qualified_name(call.func)
        if name in WEAK_SET:
            return "set"
        if name in WEAK_KEYS:
            return "keys"
        if name in WEAK_VALUES:
            return "values"
        return None

    def _put(self, node: cst.CSTNode, container: cst.BaseExpression, value: cst.BaseExpression, kinds: Set[str]) -> None:
        bound = self._bound(value)
        if bound is None:
            return
        key = self._key(container)
        if key is None:
            return
        self._puts.append((node, bound[0], bound[1], bound[2], key, kinds, dotted_name(container) or "container"))

    # ------------------------------------------------------------------ visitors
    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func)
        how = REFS.get(name or "")
        args = positional(node)
        if how is not None and args:
            bound = self._bound(args[0])
            if bound is not None:
                self._refs.append((node, bound[0], bound[1], bound[2], how))
            return
        kind = self._kind(node)
        if kind is not None and args:
            literal = args[0]
            if kind == "set" and isinstance(literal, (cst.List, cst.Tuple, cst.Set)):
                for element in literal.elements:
                    bound = self._bound(element.value)
                    if bound is not None:
                        self._refs.append((node, bound[0], bound[1], bound[2], "WeakSet"))
            elif kind in ("keys", "values") and isinstance(literal, cst.Dict):
                for element in literal.elements:
                    if isinstance(element, cst.DictElement):
                        bound = self._bound(element.key if kind == "keys" else element.value)
                        if bound is not None:
                            self._refs.append((node, bound[0], bound[1], bound[2], KIND_TEXT[kind]))
            return
        if isinstance(node.func, cst.Attribute) and args:
            method = node.func.attr.value
            if method == "add":
                self._put(node, node.func.value, args[0], {"set"})
            elif method == "setdefault":
                self._put(node, node.func.value, args[0], {"keys"})
                if len(args) > 1:
                    self._put(node, node.func.value, args[1], {"values"})

    def _declare(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        kind = self._kind(value)
        if kind is None:
            return
        key = self._key(target)
        if key is not None:
            self._weak[key] = kind
            if key[1].startswith("self.") and self.context.scope.kind == "class" and self._class_stack:
                self._weak[(None, f"{self._class_stack[-1].name}.{key[1][5:]}")] = kind

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            t = target.target
            self._declare(t, node.value)
            if isinstance(t, cst.Subscript) and len(t.slice) == 1 and isinstance(t.slice[0].slice, cst.Index):
                self._put(node, t.value, t.slice[0].slice.value, {"keys"})
                self._put(node, t.value, node.value, {"values"})

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._declare(node.target, node.value)

    def _is_method(self, cls: ClassInfo, name: str, via_super: bool) -> bool:
        if not via_super:
            return self.is_bound_method(cls, name)
        for base in cls.bases:
            other = self._find_class(base)
            if other is not None and self.is_bound_method(other, name):
                return True
        return False

    def leave_Module(self, node: cst.Module) -> None:
        for site, cls, method, via_super, how in self._refs:
            if self._is_method(cls, method, via_super):
                text = f"super().{method}" if via_super else f"self.{method}"
                if how in KIND_TEXT.values():
                    self.report(site, message=self.container_message, method=text, kind=how, container="being built")
                else:
                    self.report(site, how=how, method=text)
        for site, cls, method, via_super, key, kinds, container in self._puts:
            kind = self._weak.get(key)
            if kind is None or kind not in kinds or not self._is_method(cls, method, via_super):
                continue
            text = f"super().{method}" if via_super else f"self.{method}"
            self.report(site, message=self.container_message, method=text, kind=KIND_TEXT[kind], container=container)
