"""Declared facts: per-file knowledge that several rules need, collected once by the engine.

A fact is a batchable visitor (`Fact`) that the engine runs in the same single traversal as the
rules, placed after the scope visitor and before every rule, so on each node a rule sees the
fact up to and including that node. A rule declares what it reads:

    class MyRule(Rule):
        requires = (ClosureNames,)

        def visit_Call(self, node):
            named = self.fact(ClosureNames).named

The engine makes one instance of every fact that an active rule (or another fact) requires,
whichever rules are selected, so a rule finds the same facts alone as together, and no rule
has to collect for the others or call a base class first.
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, Iterable, List, Tuple, Type

import libcst as cst

from .scopes import Context


class Fact(cst.BatchableCSTVisitor):
    """A per-file fact. Subclasses collect in `visit_*` / `leave_*` and expose what they
    collected as attributes or query methods. `requires`: facts this one reads (they run
    before it)."""

    requires: ClassVar[Tuple[Type["Fact"], ...]] = ()

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context


def required_facts(users: Iterable[Any]) -> List[Type[Fact]]:
    """Every fact the given rule (or fact) classes require, dependencies first, each once."""
    order: List[Type[Fact]] = []
    seen: Dict[Type[Fact], bool] = {}

    def add(fact: Type[Fact]) -> None:
        if fact in seen:
            if not seen[fact]:
                raise TypeError(f"facts require each other: {fact.__name__}")
            return
        seen[fact] = False
        for dependency in fact.requires:
            add(dependency)
        seen[fact] = True
        order.append(fact)

    for user in users:
        for fact in getattr(user, "requires", ()):
            add(fact)
    return order


def collect_facts(context: Context, users: Iterable[Any]) -> List[Fact]:
    """Make the file's fact visitors for these rule classes and register them on `context`
    (`Context.fact`); the engine puts them in the traversal before the rules."""
    facts = [fact(context) for fact in required_facts(users)]
    for fact in facts:
        context.facts[type(fact)] = fact
    return facts
