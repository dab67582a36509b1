from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Set, Tuple, Union

import libcst as cst

from ...analysis.expr import call_method, target_names
from ...analysis.scopes import Scope
from ...matchers import decorator_expr
from ...types import Confidence, Invalid, Valid
from ...policy import in_test_code
from ._common import Closure, ClosureTracker, stored_values
from ...traverse import children

Loop = Union[cst.For, cst.While]

# methods that keep a callback to run it later
DEFER_METHODS = frozenset(
    {
        "submit", "apply_async", "map_async", "run_in_executor", "call_soon", "call_soon_threadsafe", "call_later",
        "call_at", "add_done_callback", "add_callback", "connect", "subscribe", "register", "add_listener",
        "addListener", "on", "once", "bind", "bind_all", "after", "after_idle", "trace_add", "add_handler",
        "add_observer", "add_event_handler", "route", "schedule", "enter", "enterabs", "add_job",
    }
)
# functions that keep a callback to run it later
DEFER_FUNCTIONS = frozenset(
    {
        "threading.Thread", "threading.Timer", "multiprocessing.Process", "_thread.start_new_thread",
        "atexit.register", "signal.signal", "sys.settrace", "sys.setprofile",
    }
)
# keyword arguments that take a callback to run later
CALLBACK_KEYWORDS = frozenset(
    {"callback", "command", "target", "errback", "done_callback", "error_callback", "on_done", "on_error", "on_success"}
)
STORE_EXTRA = frozenset({"put", "put_nowait"})
# waiting for a deferred call in the same iteration runs it before the loop moves on
WAIT_METHODS = frozenset({"result", "get", "join", "wait", "exception"})


def _callback_keyword(name: str) -> bool:
    return name in CALLBACK_KEYWORDS


class LoopVariableClosureEscapes(ClosureTracker):
    """
    ## What it does
    Checks for lambdas and nested functions defined in a loop that read a variable the loop
    rebinds (the loop target, or a name assigned in the loop body) and escape the iteration:
    appended or stored into a container, stored as an attribute, yielded, built into a
    comprehension, registered as a callback (`executor.submit`, `loop.call_soon`,
    `threading.Thread(target=...)`, `button.bind(...)`, `command=`), or registered by a
    decorator (`@app.route(...)` inside a loop).

    ## Why is this bad?
    A closure does not copy the variables it reads; it keeps a reference to the enclosing
    function's variable (a cell). Every closure made in the loop shares the same cell, so when
    they run after the loop has moved on, all of them see the last value, and the cell keeps
    that last value (and whatever it references) alive for as long as any of the closures
    lives. Called later from a queue, a registry or a thread, they act on the wrong object and
    pin the last one.

    ## Known problems
    Opt-in (`default_enabled = False`): on the ecosystem corpus (20 PyPI projects + the
    standard library) both findings were false positives in test code: a generator yielding
    a closure its consumer uses before resuming it, and a pool callback that completes
    within the iteration (`assertRaises(..., res.get)` waits for it). The last value a
    shared cell keeps alive is one object; the pattern is mostly a correctness bug, which
    flake8-bugbear B023 and pylint W0640 already report.

    Only the escapes listed above are followed (CodeQL's and flake8-bugbear 26's escape-aware
    reading, not ruff `B023`'s): a closure called inside the iteration, passed to `sorted(key=
    ...)`, `min` / `max`, `map`, `filter`, `functools.reduce` or any other call that uses it
    at once, or returned (which ends the loop, so the variable no longer changes) is not
    reported. A closure handed to an unknown function that stores it is missed. A deferred
    call that the same iteration waits for (`await loop.run_in_executor(None, fn)`,
    `executor.submit(fn).result()`, `res = pool.apply_async(...)` then `res.get()`, a thread
    that is joined) runs before the variable changes and is not reported, nor is a closure
    stored into an object or container created in the same iteration (`box = Box();
    box.cb = lambda: x`). Only the callback keywords `callback`, `command`, `target`,
    `errback`, `done_callback`, `error_callback`, `on_done`, `on_error` and `on_success`
    are followed; other keyword callbacks (`buffer_callback=`, `key=`) are usually called at
    once.

    Test code is not reported: test functions (`test*`, `setUp`, `tearDown`), methods of
    test classes (`Test*`, `*Test`, `*Tests`, `*TestCase`) and modules that import `unittest`
    or `pytest`; tests run once and keep exceptions, frames and callbacks on purpose.

    ## Fix safety
    There is no automatic fix. Bind the current value when the closure is made: a default
    argument (`lambda x=x: ...`), `functools.partial(func, x)`, or a factory function that
    takes the value as a parameter.

    ## References
    - [Python FAQ: Why do lambdas defined in a loop with different values all return the same result?](https://docs.python.org/3/faq/programming.html#why-do-lambdas-defined-in-a-loop-with-different-values-all-return-the-same-result)
    - Overlaps flake8-bugbear / ruff `B023` (function-uses-loop-variable), pylint `W0640`
      (cell-var-from-loop), CodeQL `py/loop-variable-capture`.
    """

    code = "LL306"
    name = "loop-variable-closure-escapes"
    message = "{what} defined in a loop reads {names}, which the loop rebinds, and escapes the iteration ({how}): when it runs it sees the last value and keeps it alive"
    confidence = Confidence.HIGH
    default_enabled = False
    triggers = ("for", "while")
    fix_title = "Bind the current value: a default argument (lambda x=x: ...), functools.partial, or a factory function"
    peer_codes = ("B023", "W0640", "cell-var-from-loop")

    VALID = [
        Valid(
            """
            def order(groups):
                for name, items in groups.items():
                    items.sort(key=lambda item: item.rank[name])
                    best = sorted(items, key=lambda item: item.score[name])
                    print(list(map(lambda i: i.label[name], best)), list(filter(lambda i: i.ok[name], best)))
            """,
            id="sorted-map-filter-key",
        ),
        Valid(
            """
            def run(tasks):
                total = 0
                for task in tasks:
                    def step():
                        return task.cost
                    total += step()
                return total
            """,
            id="called-inside-the-iteration",
        ),
        Valid(
            """
            def handlers(names, registry):
                for name in names:
                    registry.append(lambda event, name=name: print(name, event))
            """,
            id="default-argument-binds-the-value",
        ),
    ]

    INVALID = [
        Invalid(
            """
            def handlers(names):
                out = []
                for name in names:
                    out.append(lambda event: print(name, event))  # LL306
                return out
            """,
            id="appended",
            message_contains="reads name",
        ),
        Invalid(
            """
            def schedule(executor, jobs):
                for job in jobs:
                    payload = job.load()
                    executor.submit(lambda: job.run(payload))  # LL306
            """,
            id="submitted-to-an-executor",
            message_contains="job, payload",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._loops: List[Tuple[Loop, Scope]] = []
        # closure node -> loops (of its own function) it was created in
        self._created_in: Dict[cst.CSTNode, Tuple[Loop, ...]] = {}
        self._assigned: Dict[Loop, FrozenSet[str]] = {}
        self._reported: Set[cst.CSTNode] = set()
        # (closure node, closure, how, shared loops, handle the deferred call's result is kept in)
        self._pending: List[Tuple[cst.CSTNode, Closure, str, Tuple[Loop, ...], Optional[Tuple[Scope, str]]]] = []
        # deferred calls whose result is waited for at once (`await ...`, `submit(...).result()`)
        self._consumed: Set[cst.CSTNode] = set()
        # deferred call -> the local its result is assigned to
        self._handles: Dict[cst.CSTNode, Tuple[Scope, str]] = {}
        # (scope, local) -> loops it is waited for in (`res.get()`, `t.join()`, `await fut`)
        self._waited: Dict[Tuple[Scope, str], Set[Loop]] = {}
        # (scope, local) that hold an object made in the current iteration: stores into them stay there
        self._made_in: Dict[Tuple[Scope, str], Tuple[Loop, ...]] = {}
        self._current_call: Optional[cst.Call] = None

    # ------------------------------------------------------------------ loops
    def visit_For(self, node: cst.For) -> None:
        self._loops.append((node, self.context.scope))

    def leave_For(self, original_node: cst.For) -> None:
        self._loops.pop()

    def visit_While(self, node: cst.While) -> None:
        self._loops.append((node, self.context.scope))

    def leave_While(self, original_node: cst.While) -> None:
        self._loops.pop()

    def _current_loops(self) -> Tuple[Loop, ...]:
        scope = self.context.scope
        return tuple(loop for loop, s in self._loops if s is scope)

    # ------------------------------------------------------------------ closures made in loops
    def visit_Lambda(self, node: cst.Lambda) -> None:
        loops = self._current_loops()
        if loops:
            self._created_in[node] = loops

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        loops = self._current_loops()
        if not loops:
            return
        self._created_in[node] = loops
        for decorator in node.decorators:
            expr, call = decorator_expr(decorator)
            method = expr.attr.value if isinstance(expr, cst.Attribute) else ""
            if method in DEFER_METHODS or self.context.qualified_name(expr) in DEFER_FUNCTIONS:
                self._escape(Closure("function", node, self.context.scope, node.name.value), "registered by a decorator")
                break

    # ------------------------------------------------------------------ escapes
    def visit_Await(self, node: cst.Await) -> None:
        self._consumed.add(node.expression)
        if isinstance(node.expression, cst.Name):
            self._note_wait(node.expression.value)

    def _note_wait(self, name: str) -> None:
        loops = self._current_loops()
        if loops:
            self._waited.setdefault((self.context.scope, name), set()).update(loops)

    def visit_Call(self, node: cst.Call) -> None:
        if not self._loops:
            return
        receiver, method = call_method(node)
        if receiver is not None and method in WAIT_METHODS:
            if isinstance(receiver, cst.Call):
                self._consumed.add(receiver)  # `executor.submit(fn).result()`
            elif isinstance(receiver, cst.Name):
                self._note_wait(receiver.value)  # `res.get()`, `thread.join()`
        for arg in node.args:
            value = arg.value
            if isinstance(value, cst.Attribute) and value.attr.value in WAIT_METHODS and isinstance(value.value, cst.Name):
                self._note_wait(value.value.value)  # `assertRaises(Error, res.get)`
        if node in self._consumed:
            return
        self._current_call = node
        try:
            self._call_escapes(node, receiver, method)
        finally:
            self._current_call = None

    def _call_escapes(self, node: cst.Call, receiver: Optional[cst.BaseExpression], method: str) -> None:
        if receiver is not None:
            values = stored_values(node, method)
            if method in STORE_EXTRA and node.args:
                values = [node.args[0].value]
            if values:
                if self._per_iteration(receiver):
                    return
                for value in values:
                    self._escape_all(value, f"stored with .{method}()")
                return
            if method in DEFER_METHODS:
                for arg in node.args:
                    self._escape_all(arg.value, f"registered with .{method}()")
                return
        qualified = self.context.call_name(node)
        if qualified in DEFER_FUNCTIONS:
            for arg in node.args:
                self._escape_all(arg.value, f"passed to {qualified}")
            return
        for arg in node.args:
            if arg.keyword is not None and _callback_keyword(arg.keyword.value):
                self._escape_all(arg.value, f"passed as {arg.keyword.value}=")

    def _per_iteration(self, container: cst.BaseExpression) -> bool:
        """A container or object made in this iteration (`box = Box()` in the loop body): what is
        stored into it stays with it."""
        root = container
        while isinstance(root, (cst.Attribute, cst.Subscript)):
            root = root.value
        if not isinstance(root, cst.Name):
            return False
        made = self._made_in.get((self.context.scope, root.value))
        return bool(made) and any(loop in made for loop in self._current_loops())

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._loops:
            return
        scope = self.context.scope
        value = node.value
        for target in node.targets:
            t = target.target
            if isinstance(t, cst.Name):
                key = (scope, t.value)
                if isinstance(value, cst.Call):
                    self._handles[value] = key
                if isinstance(value, (cst.Call, cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)):
                    self._made_in[key] = self._current_loops()
                else:
                    self._made_in.pop(key, None)
            elif isinstance(t, (cst.Subscript, cst.Attribute)):
                if self._per_iteration(t.value):
                    continue
                how = "stored in a container" if isinstance(t, cst.Subscript) else "stored as an attribute"
                self._escape_all(value, how)

    def visit_Yield(self, node: cst.Yield) -> None:
        if self._loops and isinstance(node.value, cst.BaseExpression):
            self._escape_all(node.value, "yielded")

    def _escape_all(self, value: cst.BaseExpression, how: str) -> None:
        for closure in self.closures_in(value, partials=False):
            self._escape(closure, how)

    def _escape(self, closure: Closure, how: str) -> None:
        if in_test_code(self.context, self.context.scope):
            return
        created = self._created_in.get(closure.node)
        if created is None and isinstance(closure.node, cst.Lambda):
            created = self._current_loops()  # written right here, in the sink
        if not created:
            return
        current = set(self._current_loops())
        shared = tuple(loop for loop in created if loop in current)
        if shared:
            call = self._current_call
            handle = self._handles.get(call) if call is not None else None
            self._pending.append((closure.node, closure, how, shared, handle))

    # ------------------------------------------------------------------ comprehensions
    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._comprehension(node.elt, node.for_in)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._comprehension(node.elt, node.for_in)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._comprehension(node.elt, node.for_in)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._comprehension(node.value, node.for_in)

    def _comprehension(self, elt: cst.BaseExpression, for_in: cst.CompFor) -> None:
        if not isinstance(elt, cst.Lambda) or in_test_code(self.context, self.context.scope):
            return
        targets: Set[str] = set()
        comp: Optional[cst.CompFor] = for_in
        while comp is not None:
            targets.update(target_names(comp.target))
            comp = comp.inner_for_in
        names = sorted(targets & self._free(elt))
        if names and elt not in self._reported:
            self._reported.add(elt)
            self.report(elt, what="lambda", names=", ".join(names), how="built into a comprehension")

    # ------------------------------------------------------------------ decide
    def _free(self, node: cst.CSTNode) -> FrozenSet[str]:
        from ._common import free_names

        return free_names(node, self.context)  # type: ignore[arg-type]

    def leave_Module(self, original_node: cst.Module) -> None:
        for node, closure, how, loops, handle in self._pending:
            if node in self._reported:
                continue
            if handle is not None and any(loop in self._waited.get(handle, ()) for loop in loops):
                continue  # `res = pool.apply_async(..., callback=cb)` ... `res.get()`: ran in this iteration
            rebound: Set[str] = set()
            for loop in loops:
                rebound |= self._loop_names(loop)
            names = sorted(rebound & closure.free(self.context))
            if not names:
                continue
            self._reported.add(node)
            where = node.name if isinstance(node, cst.FunctionDef) else node
            self.report(where, what=closure.describe(), names=", ".join(names), how=how)

    def _loop_names(self, loop: Loop) -> FrozenSet[str]:
        found = self._assigned.get(loop)
        if found is None:
            names: Set[str] = set()
            if isinstance(loop, cst.For):
                names.update(target_names(loop.target))
            _assigned_in(loop.body, names)
            found = frozenset(names)
            self._assigned[loop] = found
        return found


def _assigned_in(root: cst.CSTNode, names: Set[str]) -> None:
    """Names (re)bound by statements in a loop body, not counting nested scopes."""
    stack: List[cst.CSTNode] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.AssignTarget):
            names.update(target_names(node.target))
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
            names.update(target_names(node.target))
        elif isinstance(node, cst.For):
            names.update(target_names(node.target))
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            names.update(target_names(node.asname.name))
        elif isinstance(node, cst.NamedExpr):
            names.update(target_names(node.target))
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            names.add(node.name.value)
            continue
        if isinstance(node, (cst.Lambda, cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            continue
        stack.extend(children(node))
