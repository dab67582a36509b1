"""Whether a registry keeps a callback beyond the life of the object that registers it (LL202).

One fact about the registry a registration call reaches, asked by LL202
(listener-never-removed) before it asks what the callback pins (`_pins.CallbackPins`):

- it holds the callback weakly or replaces the previous one (`weak_or_replacing`): a
  `weak=True` keyword, a `connect` in a module that imports a weak-signal library (blinker,
  Django, Flask), a Tk event binding without `add="+"`;
- who owns it (`owner`, `set_owner`): "shared" (a parameter, a module global or import, what
  a plain function returned), "self.<attr>" (decided once the module is read, by `outlives`,
  from what the class assigns to that attribute), or None when it dies with the subscriber
  (the subscriber itself, something it created, an object made in the same function, a `with`
  target, a future that releases its callbacks once done);
- `receiver_name(expr)`: the last name of a receiver, without leading underscores, by which
  a removal elsewhere in the module is matched.

Reads the registration facts of the module (`_common.ModuleFacts`) and the scope layer.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ...analysis.expr import base_and_first_attribute, call_arg, root_name
from ...analysis.scopes import Context, binding_scope, is_module_variable
from ...knowledge.registries import ONE_SHOT_REGISTRATIONS, WEAK_SIGNAL_MODULES
from ...matchers import self_name
from ._common import ClassFacts, ModuleFacts

WEAK_KEYWORDS = ("weak", "weakref", "use_weakref")
TK_MODULES = ("tkinter", "Tkinter", "idlelib", "customtkinter")


def receiver_name(expr: cst.BaseExpression) -> Optional[str]:
    """The last name of a receiver, without leading underscores: `self._bus` -> "bus"."""
    while isinstance(expr, cst.Subscript):
        expr = expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value.lstrip("_").lower() or None
    if isinstance(expr, cst.Name):
        return expr.value.lstrip("_").lower() or None
    return None


class RegistryRetention:
    """The retention questions for the registrations of one file."""

    def __init__(self, context: Context, facts: ModuleFacts) -> None:
        self.context = context
        self.facts = facts

    def weak_or_replacing(self, node: cst.Call, method: str) -> bool:
        """The registry holds the callback weakly, or the call replaces the previous one."""
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in WEAK_KEYWORDS:
                if not (isinstance(arg.value, cst.Name) and arg.value.value == "False"):
                    return True
                break  # `weak=False`: strong, whatever the library's default
        else:
            if method == "connect" and self.context.imports_module(*WEAK_SIGNAL_MODULES):
                return True
        return method == "bind" and self._tk_binding(node)

    def _tk_binding(self, node: cst.Call) -> bool:
        """A Tk event binding: `widget.bind("<Key>", cb)` replaces the widget's previous
        binding for that sequence and dies with the widget; only `add="+"` accumulates."""
        sequence = call_arg(node, 0, "sequence")
        literal = sequence is not None and isinstance(sequence.value, cst.SimpleString) and sequence.value.value.lstrip("rbuRBU").strip("'\"").startswith("<")
        if not (literal or self.context.imports_module(*TK_MODULES)):
            return False
        add = call_arg(node, 2, "add")
        if add is None:
            return True
        value = add.value
        if isinstance(value, cst.SimpleString):
            return value.evaluated_value in ("", None)
        return isinstance(value, cst.Name) and value.value in ("None", "False")

    def owner(self, receiver: cst.BaseExpression, method: str) -> Optional[str]:
        """Whether the registry reached through `receiver` may outlive the subscriber:
        "shared", "self.<attr>" or None (see the module docstring)."""
        ctx = self.context
        selfp = self_name(ctx)
        base, first = base_and_first_attribute(receiver)
        if isinstance(base, cst.Call):
            if isinstance(base.func, cst.Name) and base.func.value == "super":
                return None
            if method in ONE_SHOT_REGISTRATIONS:
                return None
            return "shared"  # `get_bus().subscribe(...)`
        if not isinstance(base, cst.Name):
            return None
        if selfp is not None and base.value == selfp:
            if first is None or method in ONE_SHOT_REGISTRATIONS:
                return None  # the object's own signal / its own futures
            return "self." + first
        if method in ONE_SHOT_REGISTRATIONS:
            # a future releases its callbacks once done; only a module-level one lives on
            return "shared" if is_module_variable(base.value, ctx.scope) else None
        return "shared" if self.facts.origin(base, selfp) == "shared" else None

    def set_owner(self, container: cst.Attribute, method: str) -> Optional[str]:
        """`owner` for a callback set reached as an attribute (`self.bus.listeners.add(cb)`,
        `app.hooks.append(cb)`): not the object's own set, nor one of a module-level name or
        class (LL201 / LL301 report those stores)."""
        base = root_name(container)
        selfp = self_name(self.context)
        # self._listeners.add(...) is the object's own set
        if base is None or (base == selfp and isinstance(container.value, cst.Name)):
            return None
        scope = binding_scope(base, self.context.scope)
        if base != selfp and (scope is None or scope.kind == "module" or base in self.facts.classes_by_name):
            return None
        return self.owner(container.value, method)

    def outlives(self, owner: str, cls: Optional[ClassFacts]) -> bool:
        """An owner "self.<attr>" outlives the subscriber when the attribute holds an object the
        instance received (`self.bus = bus`), not one it created (`self.button = Button()`) or
        one the rule cannot see assigned; "shared" always does."""
        if not owner.startswith("self."):
            return True
        return cls is not None and "shared" in self.facts.self_attr_origin(cls, owner[5:])
