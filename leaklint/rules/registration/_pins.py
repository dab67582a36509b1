"""What a callback keeps alive (LL202): the instance (`self`, a bound method, a lambda or a
nested function that captures `self`), a local it captures, or nothing (a weak reference, a
plain function). Asked of the registration facts of the module (`ModuleFacts`). Used by LL202
(listener-never-removed), which also asks `_retention` whether the registry outlives the
subscriber."""

from __future__ import annotations

import re
from typing import List, Optional

import libcst as cst

from ...analysis.scopes import LOCAL, binding_scope, is_function_local
from ...analysis.expr import call_arg
from ...matchers import self_name
from ._common import (
    FUNCTOOLS_PARTIAL,
    ClassFacts,
    ModuleFacts,
    enclosing_method,
    free_function_names,
    is_weak_call,
    local_values,
    param_names,
)

# a method name that reads as a handler, for methods inherited from a base the rule cannot see
CALLBACK_NAME = re.compile(r"^_*(on|handle|do)_|^_*on[A-Z]|callback|handler|listener|_cb$|^_*cb$|_hook$|_event$")


class Pin:
    """What a callback keeps alive: `pinned` ("the instance", "local conn"), or a deferred
    `self.attr` that pins the instance only if attr is a method."""

    __slots__ = ("pinned", "callback", "self_attr", "cls")

    def __init__(self, pinned: str, callback: str, self_attr: Optional[str] = None, cls: Optional[ClassFacts] = None) -> None:
        self.pinned = pinned
        self.callback = callback
        self.self_attr = self_attr
        self.cls = cls


class CallbackPins:
    """The pins of callbacks registered in one file."""

    def __init__(self, context, facts: ModuleFacts) -> None:
        self.context = context
        self.facts = facts

    def pin(self, value: cst.BaseExpression, process_wide: bool = False, depth: int = 0) -> Optional[Pin]:
        """What the callback `value` keeps alive, if anything."""
        ctx = self.context
        if depth > 2 or is_weak_call(ctx, value):
            return None
        selfp = self_name(ctx)
        if isinstance(value, cst.Name):
            if selfp is not None and value.value == selfp:
                return Pin("the instance", "the instance itself")
            return self.pin_name(value.value, process_wide, depth)
        if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name):
            base = value.value.value
            if selfp is not None and base == selfp:
                found = enclosing_method(ctx)
                cls = self.facts.class_of(found[0]) if found is not None else None
                return Pin("the instance", f"bound method {value.attr.value}", value.attr.value, cls)
            if process_wide and is_function_local(base, ctx.scope) and not self.weak_local(base):
                return Pin(f"local {base}", f"bound method {base}.{value.attr.value}")
            return None
        if isinstance(value, cst.Lambda):
            captured = [n for n in free_function_names(ctx, value.body, param_names(value.params)) if not self.weak_local(n)]
            return self.captures("a lambda", captured, selfp)
        if isinstance(value, cst.Call):
            name = ctx.qualified_name(value.func)
            if name in FUNCTOOLS_PARTIAL and value.args:
                inner = self.pin(value.args[0].value, process_wide, depth + 1)
                if inner is not None:
                    return Pin(inner.pinned, "a partial", inner.self_attr, inner.cls)
                captured = []
                for arg in value.args[1:]:
                    if isinstance(arg.value, cst.Name) and is_function_local(arg.value.value, ctx.scope) and not self.weak_local(arg.value.value):
                        captured.append(arg.value.value)
                return self.captures("a partial", captured, selfp)
        return None

    def pin_name(self, name: str, process_wide: bool, depth: int) -> Optional[Pin]:
        ctx = self.context
        scope = binding_scope(name, ctx.scope)
        if scope is None or not scope.is_function or scope.bindings.get(name) != LOCAL:
            return None
        nested = self.facts.nested_defs.get((id(scope.node), name))
        selfp = self_name(ctx)
        if nested is not None:
            own = param_names(nested.params) | {name}
            captured = [n for n in free_function_names(ctx, nested.body, own) if not self.weak_local(n)]
            return self.captures(f"nested function {name}", captured, selfp)
        values = local_values(scope, name)
        if values:
            return self.pin(values[-1], process_wide, depth + 1)
        return None

    def captures(self, callback: str, captured: List[str], selfp: Optional[str]) -> Optional[Pin]:
        if not captured:
            return None
        if selfp is not None and selfp in captured:
            return Pin("the instance", callback)
        return Pin("local " + ", ".join(captured[:3]), callback)

    def weak_local(self, name: str) -> bool:
        scope = binding_scope(name, self.context.scope)
        if scope is None or not scope.is_function:
            return False
        values = local_values(scope, name)
        return bool(values) and all(is_weak_call(self.context, v) for v in values)

    def finalize_pins(self, node: cst.Call) -> List[Pin]:
        """For `weakref.finalize(obj, func, *args, **kwargs)`: the callback and the arguments
        that hold `obj` itself (then `obj` is never collected)."""
        watched = call_arg(node, 0, "obj")
        func = call_arg(node, 1, "func")
        if watched is None or func is None or not isinstance(watched.value, cst.Name):
            return []
        name = watched.value.value
        pins: List[Pin] = []
        for index, arg in enumerate(node.args[1:]):
            if arg.keyword is not None and arg.keyword.value == "obj":
                continue
            pin = self.pins_watched(arg.value, name, is_func=index == 0 and arg.keyword is None or (arg.keyword is not None and arg.keyword.value == "func"))
            if pin is not None:
                pins.append(pin)
        return pins

    def pins_watched(self, value: cst.BaseExpression, watched: str, is_func: bool) -> Optional[Pin]:
        """For weakref.finalize(obj, func, *args): does the callback or an argument hold obj?"""
        ctx = self.context
        selfp = self_name(ctx)
        pinned = "the instance" if watched == selfp else watched
        if isinstance(value, cst.Name):
            if value.value == watched:
                return Pin(pinned, "the object itself")
            pin = self.pin_name(value.value, True, 0)
        elif isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name) and value.value.value == watched:
            # `self.release` is a bound method; `self.fd` (an argument) is just a value
            if watched == selfp:
                found = enclosing_method(ctx)
                cls = self.facts.class_of(found[0]) if found is not None else None
                return Pin(pinned, f"bound method {value.attr.value}", value.attr.value, cls)
            return Pin(pinned, f"bound method {value.attr.value}") if is_func else None
        else:
            pin = self.pin(value, process_wide=True)
        if pin is None:
            return None
        if pin.pinned in ("the instance", f"local {watched}") or watched in pin.pinned[len("local "):].split(", "):
            if pin.pinned == "the instance" and watched != selfp:
                return None
            return Pin(pinned, pin.callback, pin.self_attr, pin.cls)
        return None

    def resolved(self, pins: List[Pin]) -> Optional[Pin]:
        """The first of a registration's pins that holds: a deferred `self.attr` pins the
        instance only when attr is a method (or, on a class with a base the module cannot see,
        reads as a handler)."""
        for pin in pins:
            if pin.self_attr is None:
                return pin
            cls = pin.cls
            if cls is None:
                continue
            if self.facts.is_method(cls, pin.self_attr):
                return pin
            if (
                self.facts.is_class_method(cls, pin.self_attr)
                or self.facts.is_self_attr(cls, pin.self_attr)
                or self.facts.class_attr_values(cls, pin.self_attr) is not None
            ):
                continue
            if self.facts.has_foreign_base(cls) and CALLBACK_NAME.search(pin.self_attr):
                return pin  # most likely a handler inherited from the base class
        return None
