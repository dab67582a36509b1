from __future__ import annotations

from typing import List, Set, Tuple

import libcst as cst

from ...analysis.expr import call_method, dotted_name, receiver_key, root_name
from ...analysis.scopes import binding_scope
from ...types import Confidence, Invalid, Valid
from ...policy import in_test_code
from ._common import Closure, StorageTracker

# methods that keep the callback they are given on the object they are called on
CALLBACK_VERBS = frozenset(
    {
        "add_done_callback", "add_listener", "addListener", "add_handler", "add_observer",
        "add_event_handler", "add_hook", "connect", "subscribe", "on", "once", "observe", "register",
        "add_reader", "add_writer",
    }
)
# calls that make asyncio futures and tasks, which drop their callbacks once they are done
ASYNCIO_FACTORIES = frozenset(
    {"create_task", "ensure_future", "create_future", "gather", "shield", "wait_for", "run_in_executor", "sleep"}
)


class CallbackCapturesItsOwner(StorageTracker):
    """
    ## What it does
    Checks for a callback registered on an object that the callback itself references:
    `fut.add_done_callback(lambda f: ... fut ...)`, a `functools.partial(handler, fut)` given
    to `fut.add_done_callback`, or a method that registers a lambda / nested function /
    partial capturing `self` on an object that `self` owns (`self.button.on_click(lambda:
    self.refresh())`, `self.conn.add_listener(partial(self.on_event, ...))`).

    ## Why is this bad?
    The object keeps its callbacks in a list; the callback keeps, through its closure cell,
    the object (or `self`, which keeps the object). That is a reference cycle: when the program
    drops its last reference, reference counting cannot free any of it, and the object, the
    callback and everything either of them references stay in memory until the cyclic garbage
    collector runs, if it runs, and not at all while it is disabled or tuned down.
    `concurrent.futures.Future` keeps its done-callbacks after they ran; most signal / event
    libraries keep theirs until they are disconnected.

    ## Known problems
    Opt-in (`default_enabled = False`): on the ecosystem corpus (20 PyPI projects + the
    standard library) all 4 findings were false positives: tornado's `IOLoop.add_callback`
    (a one-shot queue that drops the callback once it has run) and a callback on an
    asyncio-style future in a test.

    `asyncio` futures drop their callbacks once they complete, so the cycle there lasts only
    until the future is done: callbacks on objects made by `create_task`, `ensure_future`,
    `create_future` and similar calls in the same module, and `add_done_callback` in modules
    that use asyncio (or tornado, anyio, trio) but not `concurrent.futures`, are not reported.
    `add_callback` is not followed (tornado's IOLoop runs it once and drops it). tkinter's `bind`
    is not followed: Tk keeps the callback in the Tcl interpreter, not on the widget, until
    the widget is destroyed. `add_callback` is not followed: in tornado's `IOLoop` (and most
    event loops that use the name) it schedules a one-shot call that the loop drops once it
    has run. A callback that is
    removed again in the module (`remove_done_callback`, `disconnect`, `unsubscribe`,
    `remove_listener`, ... on the same object) is not reported. Bound methods (`fut.
    add_done_callback(self.on_done)` where `self` owns `fut`) form the same cycle but are not
    reported: that pattern is everywhere in GUI and event code and is left to LL202.

    Test code is not reported: test functions (`test*`, `setUp`, `tearDown`), methods of
    test classes (`Test*`, `*Test`, `*Tests`, `*TestCase`) and modules that import `unittest`
    or `pytest`; tests run once and keep exceptions, frames and callbacks on purpose.

    ## Fix safety
    There is no automatic fix. Use the argument the callback receives (`add_done_callback`
    passes the future: `lambda f: f.result()`), capture a `weakref.ref` to the owner instead of
    the owner, or remove the callback when it has run.

    ## References
    - [concurrent.futures.Future.add_done_callback](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Future.add_done_callback), [asyncio.Future.add_done_callback](https://docs.python.org/3/library/asyncio-future.html#asyncio.Future.add_done_callback)
    - [gc: the cyclic garbage collector](https://docs.python.org/3/library/gc.html), [weakref](https://docs.python.org/3/library/weakref.html)
    - No peer linter checks this; related leaklint rules: LL202 (listener never removed), LL304.
    """

    code = "LL303"
    name = "callback-captures-its-owner"
    message = "{what} registered on {receiver} captures {receiver} itself: the object and its callback form a reference cycle that only the cyclic garbage collector can free"
    owner_message = "{what} registered on {receiver} captures {owner}, which owns {receiver}: a reference cycle that only the cyclic garbage collector can free"
    confidence = Confidence.HIGH
    default_enabled = False
    triggers = tuple(sorted(CALLBACK_VERBS | {"on_"}))
    fix_title = "Use the argument the callback receives, capture a weakref to the owner, or remove the callback when done"

    VALID = [
        Valid(
            """
            class Server:
                def __init__(self, io_loop):
                    self.io_loop = io_loop

                def shutdown(self):
                    def stop():
                        self.io_loop.stop()

                    self.io_loop.add_callback(stop)
                    self.io_loop.add_callback(lambda: self.io_loop.close())
            """,
            id="one-shot-add-callback-on-an-io-loop",
        ),
        Valid(
            """
            def submit(executor, job):
                fut = executor.submit(job.run)
                fut.add_done_callback(lambda f: job.finish(f.result()))
                return fut
            """,
            id="callback-uses-its-argument",
        ),
        Valid(
            """
            class Client:
                def start(self, loop):
                    task = loop.create_task(self.run())
                    task.add_done_callback(lambda t: print(t.result()))
            """,
            id="callback-captures-neither",
        ),
    ]

    INVALID = [
        Invalid(
            """
            def submit(executor, job):
                fut = executor.submit(job.run)
                fut.add_done_callback(lambda _: job.finish(fut.result()))  # LL303
                return fut
            """,
            id="future-callback-captures-the-future",
            message_contains="captures fut itself",
        ),
        Invalid(
            """
            import functools

            def on_done(fut, job):
                job.finish(fut)

            def submit(executor, job):
                fut = executor.submit(job.run)
                fut.add_done_callback(functools.partial(on_done, fut, job))  # LL303
                return fut
            """,
            id="partial-holds-the-future",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._candidates: List[Tuple[cst.Call, Closure, str, str, str]] = []
        self._asyncio_keys: Set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if isinstance(value, cst.Await):
            value = value.expression
        if isinstance(value, cst.Call):
            func = value.func
            name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
            if name in ASYNCIO_FACTORIES:
                for target in node.targets:
                    self._asyncio_keys.add(receiver_key(target.target))

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        if ctx.function_scope is None or in_test_code(ctx, ctx.scope):
            return
        receiver, method = call_method(node)
        if receiver is None or not (method in CALLBACK_VERBS or method.startswith("on_")):
            return
        owner = root_name(receiver)
        if owner is None:
            return
        found = binding_scope(owner, ctx.scope)
        if found is None or not found.is_function:
            return
        text = dotted_name(receiver) or (f"{owner}[...]" if isinstance(receiver, cst.Subscript) else owner)
        for arg in node.args:
            for closure in self.closures_in(arg.value):
                self._candidates.append((node, closure, owner, text, receiver_key(receiver)))

    def _asyncio_only(self) -> bool:
        """The module works with asyncio-style futures (asyncio, tornado, anyio) and not with
        concurrent.futures: its futures drop their callbacks when done."""
        ctx = self.context
        return ctx.imports_module("asyncio", "tornado", "anyio", "trio") and not ctx.imports_module("concurrent.futures", "concurrent")

    def leave_Module(self, original_node: cst.Module) -> None:
        ctx = self.context
        seen = set()
        for node, closure, owner, text, key in self._candidates:
            if id(node) in seen or key in self.removed_from or key in self._asyncio_keys:
                continue
            method = node.func.attr.value if isinstance(node.func, cst.Attribute) else ""
            if method == "add_done_callback" and self._asyncio_only():
                continue
            captured = closure.captured(ctx)
            if owner not in captured:
                continue
            seen.add(id(node))
            if text == owner:
                self.report(node, what=closure.describe(), receiver=text)
            else:
                self.report(node, message=self.owner_message, what=closure.describe(), receiver=text, owner=owner)
