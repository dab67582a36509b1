"""Functions that run until they are stopped: one fact of this file, read by LL603
(thread-or-loop-not-joined) to tell a thread that keeps running (and keeps what its target
holds) from one that ends by itself.

`EndlessLoops.forever`: the names of the functions with a `while True:` (or `while 1:`) loop
that cannot leave (no `return`, `raise` or own `break` in it) and is not inside a
`try` / `except` (an exception may end it), plus `serve_forever` and `run_forever`.
`EndlessLoops.owner_loops`: (class, method) for each instance method whose loop runs until the
object is told to stop: such an endless loop, or `while not self._flag:` / `while self.flag:`
that ends only when another call changes the flag.
"""

from __future__ import annotations

from typing import List, Set, Tuple

import libcst as cst

from ...analysis.facts import Fact
from ...matchers import is_instance_method, self_name
from ...traverse import children

# thread targets known to run until stopped
FOREVER_METHODS = frozenset({"serve_forever", "run_forever"})


def forever_test(test: cst.BaseExpression) -> bool:
    """`while True:` / `while 1:`."""
    return (isinstance(test, cst.Name) and test.value == "True") or (isinstance(test, cst.Integer) and test.value == "1")


def leaves(body: cst.CSTNode) -> bool:
    """Whether a loop body can leave its loop: a `return` or `raise` anywhere (outside nested
    defs), or a `break` that belongs to it (not one of a nested loop)."""
    stack: List[Tuple[cst.CSTNode, bool]] = [(body, False)]
    while stack:
        current, nested = stack.pop()
        if isinstance(current, (cst.Return, cst.Raise)):
            return True
        if isinstance(current, cst.Break) and not nested:
            return True
        if isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        inner = nested or isinstance(current, (cst.For, cst.While))
        stack.extend((child, inner) for child in children(current))
    return False


class EndlessLoops(Fact):
    """The functions of this file that loop until stopped (see the module docstring)."""

    def __init__(self, context) -> None:
        super().__init__(context)
        self.forever: Set[str] = set(FOREVER_METHODS)
        self.owner_loops: Set[Tuple[str, str]] = set()
        self._tries: List[int] = [0]  # try/except blocks around the current point, per function

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._tries.append(0)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._tries.pop()

    def visit_Try(self, node: cst.Try) -> None:
        if node.handlers:
            self._tries[-1] += 1

    def leave_Try(self, node: cst.Try) -> None:
        if node.handlers:
            self._tries[-1] -= 1

    def visit_While(self, node: cst.While) -> None:
        self._owner_loop(node)
        if not forever_test(node.test):
            return
        scope = self.context.function_scope
        if scope is None or not isinstance(scope.node, cst.FunctionDef) or self._tries[-1]:
            return  # a loop inside try/except can end by an exception
        if not leaves(node.body):
            self.forever.add(scope.node.name.value)

    def _owner_loop(self, node: cst.While) -> None:
        ctx = self.context
        scope = ctx.function_scope
        if scope is None or scope is not ctx.scope or not isinstance(scope.node, cst.FunctionDef):
            return
        cls = scope.parent
        if cls is None or cls.kind != "class" or not is_instance_method(ctx, scope.node, cls):
            return
        me = self_name(ctx)
        test = node.test
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test = test.expression
        flag = isinstance(test, cst.Attribute) and isinstance(test.value, cst.Name) and test.value.value == me
        if flag or (forever_test(test) and not leaves(node.body)):
            self.owner_loops.add((cls.name, scope.node.name.value))
