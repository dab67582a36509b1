from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import dotted_name
from ...analysis.scopes import Scope, function_binding_scope, resolves_to_module
from ...matchers import first_param
from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from . import _common as g

PRUNE_METHODS = g.SHRINK_METHODS


@dataclass
class _Add:
    node: cst.Call
    key: Tuple
    scope: Scope
    in_long_loop: bool
    label: str


class TaskSetWithoutDiscard(Rule):
    """
    ## What it does
    Checks for asyncio tasks added to a set or list (`tasks.add(asyncio.create_task(...))`,
    also `ensure_future` and `loop.create_task`) that nothing ever removes from: no
    `add_done_callback(tasks.discard)`, no `discard` / `remove` / `pop` / `clear`, no
    re-assignment of the container.

    ## Why is this bad?
    The event loop keeps only a weak reference to a task, so keeping a strong reference
    somewhere is right (ruff `RUF006` asks for it). But the reference must be dropped when the
    task is done: a finished task keeps its coroutine's result or exception, and an exception
    keeps its traceback, which keeps every frame and local variable of the failed coroutine.
    A container that only ever gains tasks keeps all of them for as long as the container
    lives: for a module-level set or an attribute of a long-lived service, the life of the
    process. The documented pattern has two halves: `background_tasks.add(task)` and
    `task.add_done_callback(background_tasks.discard)`.

    A local container filled in a plain `for` loop and awaited (`gather(*tasks)`) dies with its
    function and is not reported; a local one filled inside a `while` loop or an `async for`
    (a serving loop) is.

    ## Known problems
    A container pruned by code the rule cannot see (another module, a helper that receives the
    container) is reported; suppress the finding with a comment that says where it is pruned.

    ## Fix safety
    There is no automatic fix. Add `task.add_done_callback(tasks.discard)` right after
    `tasks.add(task)` (for a list: a callback that removes the task), or use
    `asyncio.TaskGroup`, which forgets its tasks as they finish.

    ## References
    - [asyncio.create_task: "Important: save a reference to the result of this function"](https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task)
    - [asyncio.TaskGroup](https://docs.python.org/3/library/asyncio-task.html#asyncio.TaskGroup)
    - ruff `RUF006` (asyncio-dangling-task) asks for the reference this rule checks is released.
    """

    code = "LL106"
    name = "task-set-without-discard"
    message = "tasks added to {container} are never removed from it, so every finished task keeps its result or exception (and traceback) alive for as long as {container} lives"
    confidence = Confidence.HIGH
    triggers = ("create_task", "ensure_future")
    fix_title = "Add task.add_done_callback(tasks.discard) after adding the task, or use asyncio.TaskGroup"

    VALID = [
        Valid(
            """
            import asyncio

            background_tasks = set()

            def spawn(coro):
                task = asyncio.create_task(coro)
                background_tasks.add(task)
                task.add_done_callback(background_tasks.discard)
            """,
            id="documented-pattern",
        ),
        Valid(
            """
            import asyncio

            class Service:
                def __init__(self):
                    self._tasks = set()

                def start(self, coro):
                    self._tasks.add(asyncio.ensure_future(coro))

                def _reap(self):
                    self._tasks = {t for t in self._tasks if not t.done()}
            """,
            id="reassigned-without-done-tasks",
        ),
        Valid(
            """
            import asyncio

            async def fetch_all(urls):
                tasks = []
                for url in urls:
                    tasks.append(asyncio.create_task(fetch(url)))
                return await asyncio.gather(*tasks)
            """,
            id="local-batch-awaited",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import asyncio

            background_tasks = set()

            def fire_and_forget(coro):
                background_tasks.add(asyncio.create_task(coro))  # LL106
            """,
            id="module-level-set",
            confidence=Confidence.HIGH,
        ),
        Invalid(
            """
            import asyncio

            class Server:
                def __init__(self):
                    self._handlers = []
                    self._loop = asyncio.get_event_loop()

                def on_connect(self, conn):
                    task = self._loop.create_task(self.handle(conn))
                    self._handlers.append(task)  # LL106

                async def handle(self, conn):
                    pass
            """,
            id="instance-list-via-loop-create-task",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._adds: List[_Add] = []
        self._pruned: Set[Tuple] = set()
        self._task_names: Set[Tuple[int, str]] = set()
        self._assign_counts: Dict[Tuple, int] = {}
        self._long_loops: List[int] = []  # ids of the scopes of enclosing while / async-for loops

    # ------------------------------------------------------------------ keys
    def _key(self, expr: cst.BaseExpression) -> Optional[Tuple[Tuple, str]]:
        """(identity, label) for the container expression."""
        if isinstance(expr, cst.Name):
            return (("name", expr.value), expr.value)
        if isinstance(expr, cst.Attribute):
            base = expr.value
            if isinstance(base, cst.Name):
                method = g.method_of(self.context.scope)
                if method is not None and isinstance(method.node, cst.FunctionDef) and first_param(method.node) == base.value:
                    return (("self", id(method.parent.node), expr.attr.value), f"{base.value}.{expr.attr.value}")  # type: ignore[union-attr]
            text = dotted_name(expr)
            if text:
                return (("path", text), text)
        return None

    def _resolve(self, key: Tuple, scope: Scope) -> Tuple:
        """Names become ("global", name) or ("local", id(scope), name)."""
        if key[0] != "name":
            return key
        name = key[1]
        if resolves_to_module(name, scope):
            return ("global", name)
        owner = function_binding_scope(name, scope)
        if owner is not None:
            return ("local", id(owner), name)
        return ("unknown", name)

    def _is_task(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Call):
            return g.is_task_call(self.context, expr)
        if isinstance(expr, cst.Name):
            return (id(self.context.scope), expr.value) in self._task_names
        return False

    # ------------------------------------------------------------------ loops
    def visit_While(self, node: cst.While) -> None:
        self._long_loops.append(id(self.context.scope))

    def leave_While(self, original_node: cst.While) -> None:
        self._long_loops.pop()

    def visit_For(self, node: cst.For) -> None:
        self._long_loops.append(id(self.context.scope) if node.asynchronous is not None else 0)

    def leave_For(self, original_node: cst.For) -> None:
        self._long_loops.pop()

    # ------------------------------------------------------------------ facts
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or self.context.function_scope is None:
            return
        if func.attr.value in ("add", "append") and len(node.args) == 1 and self._is_task(node.args[0].value):
            found = self._key(func.value)
            if found is not None:
                key, label = found
                scope = self.context.scope
                in_loop = id(scope) in self._long_loops
                self._adds.append(_Add(node, key, scope, in_loop, label))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in PRUNE_METHODS:
            self._prune(node.value)

    def _prune(self, expr: cst.BaseExpression) -> None:
        if isinstance(expr, cst.Attribute):
            # `other.tasks.discard`: an attribute of that name is pruned somewhere (another
            # object's view of the same container, often in another class of the module)
            self._pruned.add(("attrname", expr.attr.value))
        found = self._key(expr)
        if found is not None:
            self._pruned.add(self._resolve(found[0], self.context.scope) if found[0][0] != "name" else ("pending", found[0][1], self.context.scope))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assigned(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assigned(node.target, node.value)

    def _assigned(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._assigned(element.value, None)
            return
        if isinstance(target, cst.StarredElement):
            self._assigned(target.value, None)
            return
        scope = self.context.scope
        if isinstance(target, cst.Subscript):
            if self.context.function_scope is not None:
                self._prune(target.value)  # tasks[:] = ...
            return
        if isinstance(target, cst.Name) and value is not None and self._is_task(value):
            self._task_names.add((id(scope), target.value))
        found = self._key(target)
        if found is None:
            return
        key = found[0]
        if key[0] == "name":
            counter = ("pending", key[1], scope)
        else:
            counter = key
        self._assign_counts[counter] = self._assign_counts.get(counter, 0) + 1
        if key[0] == "self":
            method = g.method_of(scope)
            if method is not None and method.name not in ("__init__", "__new__", "setUp", "__post_init__"):
                self._pruned.add(key)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.operator, (cst.SubtractAssign, cst.BitAndAssign)):
            self._prune(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        targets = node.target.elements if isinstance(node.target, (cst.Tuple, cst.List)) else [node.target]
        for target in targets:
            value = getattr(target, "value", target) if isinstance(target, cst.Element) else target
            if isinstance(value, cst.Subscript):
                self._prune(value.value)

    # ------------------------------------------------------------------ decision
    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._adds:
            return
        pruned: Set[Tuple] = set()
        assigned: Dict[Tuple, int] = {}
        for key in self._pruned:
            pruned.add(self._resolve(("name", key[1]), key[2]) if key[0] == "pending" else key)
        for key, count in self._assign_counts.items():
            resolved = self._resolve(("name", key[1]), key[2]) if key[0] == "pending" else key
            if key[0] == "pending" and resolved[0] == "global" and key[2].is_function:
                pruned.add(resolved)  # `global tasks; tasks = set()` in a function
            assigned[resolved] = assigned.get(resolved, 0) + count
        for add in self._adds:
            key = self._resolve(add.key, add.scope)
            if key in pruned or key[0] == "unknown":
                continue
            if key[0] in ("self", "path") and ("attrname", add.label.rsplit(".", 1)[-1]) in pruned:
                continue
            confidence = Confidence.HIGH
            if key[0] == "local":
                # one binding (the fresh container), filled in a serving loop; a parameter
                # (assigned 0 times here) belongs to the caller, who may prune it
                if not add.in_long_loop or assigned.get(key, 0) != 1:
                    continue
                confidence = Confidence.MEDIUM
            elif key[0] == "path":
                confidence = Confidence.MEDIUM
            self.report(add.node, confidence=confidence, container=add.label)
