from __future__ import annotations

import libcst as cst

from ...types import Confidence, Invalid, Valid
from ._common import CycleCollector

BACKREF_KINDS = ("backref", "childref", "ctor")


class StrongBackReference(CycleCollector):
    """
    ## What it does
    Checks for parent/child structures whose child keeps a strong reference back to its
    parent: `child.parent = self` where `self` also holds `child` (in an attribute or a
    container), `self.parent = parent` in a method that also puts `self` into `parent`, and
    `self.children.append(Child(self))` where `Child.__init__` stores the parent it is given.

    ## Why is this bad?
    The parent references the child and the child references the parent, so every such tree is
    a reference cycle. Reference counting never frees a cycle: when the program drops the last
    outside reference to the tree, every node stays in memory until the cyclic garbage collector
    runs a collection of the right generation. Large trees (DOMs, ASTs, scene graphs, widget
    hierarchies) survive several young collections and are promoted to the oldest generation,
    which is collected rarely; with `gc.disable()`, `gc.freeze()` or raised thresholds (common in
    latency-sensitive services) they are never freed. A weak back-reference
    (`weakref.ref(parent)` or `weakref.proxy(parent)`) breaks the cycle: the tree is freed the
    moment its root is dropped.

    ## Known problems
    Off by default: the cyclic collector does free these structures eventually, and many designs
    need the back-reference and break the cycle themselves in a `close()` / `destroy()` method.
    Opt in where garbage collection is tuned or disabled, or trees are large and short-lived.
    Only constructors of classes defined in the same module are followed, and only when their
    `__init__` stores the argument as it is.

    ## Fix safety
    There is no automatic fix. Store `weakref.ref(parent)` (read it with `self._parent()`) or
    `weakref.proxy(parent)`; a property can keep the `.parent` spelling for callers.

    ## References
    - [weakref](https://docs.python.org/3/library/weakref.html)
    - [gc — Garbage Collector interface](https://docs.python.org/3/library/gc.html)
    - LL502 (`del-on-cyclic-object`) reports the same shapes in classes that define `__del__`.
    """

    code = "LL501"
    name = "strong-back-reference"
    message = "{child} keeps a strong reference back to its parent, so every tree built this way is a reference cycle that only the cyclic garbage collector frees"
    childref_message = "{attr} is a strong reference to the parent that this object also adds itself to, so the two form a reference cycle that only the cyclic garbage collector frees"
    ctor_message = "{child} stores this object as its parent while this object holds it, so the two form a reference cycle that only the cyclic garbage collector frees"
    confidence = Confidence.MEDIUM
    default_enabled = False
    triggers = ("self",)
    fix_title = "Keep the back-reference weak: weakref.ref(parent) or weakref.proxy(parent)"

    VALID = [
        Valid(
            """
            import weakref

            class Node:
                def __init__(self):
                    self.children = []
                    self._parent = None

                def add(self, child):
                    child._parent = weakref.ref(self)
                    self.children.append(child)
            """,
            id="weak-back-reference",
        ),
        Valid(
            """
            class Registry:
                def register(self, plugin):
                    plugin.registry = self
                    return plugin
            """,
            id="back-reference-without-holding-the-child",
        ),
        Valid(
            """
            class Child:
                def __init__(self, parent):
                    self.parent = parent

            class Parent:
                def spawn(self):
                    return Child(self)
            """,
            id="child-not-kept-by-parent",
        ),
    ]

    INVALID = [
        Invalid(
            """
            class Node:
                def __init__(self):
                    self.children = []
                    self.parent = None

                def add(self, child):
                    child.parent = self  # LL501
                    self.children.append(child)
            """,
            id="child-parent-equals-self",
        ),
        Invalid(
            """
            class Node:
                def __init__(self, parent=None):
                    self.children = []
                    self.parent = parent  # LL501
                    if parent is not None:
                        parent.children.append(self)
            """,
            id="self-parent-and-parent-children-append",
            message_contains="adds itself",
        ),
    ]

    def leave_Module(self, node: cst.Module) -> None:
        for site in self.resolve_sites():
            if site.kind not in BACKREF_KINDS:
                continue
            if site.kind == "childref":
                self.report(site.node, message=self.childref_message, attr=site.detail)
            elif site.kind == "ctor":
                self.report(site.node, message=self.ctor_message, child=f"{site.detail}(...)")
            else:
                self.report(site.node, child=site.detail)
