from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Set

import libcst as cst

from ...analysis.expr import call_method, dotted_name, reads_existing_value, root_name
from ...matchers import self_name
from ...analysis.scopes import LOCAL, Scope, binding_scope, class_body_value, held_outside_frame, names_a_class
from ...policy import in_one_time_function, in_test_code, is_test_path
from ...types import Confidence, Invalid, Valid
from ._common import ClosureNames, ContainerStorage, StorageRef, StorageTracker, stored_values
from ._frames import (
    CYCLIC, DESCRIPTIONS, EXC_INFO, EXCEPTION, FRAME, TRACEBACK, FrameValues,
)

# helpers that raise the exception (or exc_info) they are given
RERAISERS = frozenset({"reraise", "raise_exc_info", "raise_with_traceback", "raise_"})


class RetainedExceptionOrFrame(StorageTracker):
    """
    ## What it does
    Checks for exceptions, `sys.exc_info()` (or its parts), tracebacks and frames
    (`inspect.currentframe()`, `sys._getframe()`, `inspect.stack()`) stored where they outlive
    the `except` block: on `self`, in a module- or class-level container or global, or in a
    local variable or local container of the same function that is still bound after the
    handler ends. By default two forms are reported: a stored exception raised again from a
    frame that still references it (`raise self._exception`, `err = self.error; raise err`),
    and caught exceptions gathered in a container of the function, one per failed attempt of
    a loop or of a nested function called per attempt (`errors.append(exc)` before
    `raise ExceptionGroup("...", errors)`, the pattern anyio, typeguard and ldap3 fixed); the
    option `all-forms` reports the others.

    ## Why is this bad?
    An exception references its traceback, the traceback references every frame between the
    `raise` and the handler, and each frame keeps all of its local variables alive: the request,
    the buffers, the tensors the failed call was working on. Stored on an object or in a
    module-level container, all of that lives as long as the object or the process. Kept in a
    local variable (or a local list) of the function that caught it, the exception's traceback
    references this very frame, which references the exception again: a reference cycle that
    only the cyclic garbage collector frees, at some later collection, never by reference
    counting. This is why Python deletes the `as` name at the end of every `except` block, and
    why the standard library breaks such cycles by hand (`err = None` or `exceptions.clear()`
    in a `finally` in `socket.create_connection`). `inspect.currentframe()` and `sys._getframe()`
    kept in a local form the same cycle with the frame itself.

    ## Known problems
    On by default for one form only: a stored exception raised again from a frame that still
    references it, through `self` (`raise self._exception`, `reraise(*self._exc_info)`) or
    through a local read from an object the call did not make (`captured_error = self.error;
    raise captured_error`, `exc = self.cached_result[2]; raise exc`). Every raise makes a
    cycle (the traceback references the frame, the frame the holder, the holder the
    exception) and adds the frame to the traceback the holder keeps, so repeated raises
    (every read of a failed stream, every test that requests a failed fixture) grow it. Not
    reported by default in test files nor in code the project's lifetime model places once
    per process. On the ecosystem corpus this form makes 20 findings, all read and labelled:
    18 real (stream readers, results, responses and events that raise their stored error on
    every access, a route made per unmatched request, pytest's cached fixture error) and 2 not
    (a placeholder for a serializer that failed to import, asyncio's task group raising a
    stored `SystemExit` / `KeyboardInterrupt` while the process stops): 90%. (A third, a test
    double under idlelib's `idle_test`, went when directories named like test modules became
    test code.) On the fresh sample (10 other projects) it makes 7
    findings, all real (falcon's request `_media_error`, pymongo's client `_last_error`). On
    the released leak fixes it finds tornado's `Future.result` and outcome's `Error.unwrap`;
    lightning-thunder's `e = runtimectx.curexc; raise e` reads from a context made by the same
    call and is found only with `all-forms`, like the other nine fixes LL302 finds.

    Every other form is reported only with the option `all-forms`. Their measures when they
    were the rule: every one of its 73 findings on the ecosystem corpus
    (20 PyPI projects + the 3.11 standard library, test code skipped) was read and labelled, and
    6 are leak risks a maintainer would act on (8%): connection-retry loops that keep the last
    failure in a local (aiohttp's connector, asyncio's `create_datagram_endpoint`), task groups
    keeping a `CancelledError` (asyncio, anyio; both fixed upstream since) and a worker thread
    holding its last job's exception while idle. The rest: locals re-raised on every path after
    the loop (`raise last_exc`, about 20), errors kept on purpose behind an accessor
    (`self._exception` for `exception()`, flask's `routing_exception`) or cleared in another
    module, lists of errors returned as part of an API (django's `send_robust`), code that runs
    once under a name the one-time heuristic does not know, and four misreads.

    The forms taken from released leak fixes (raised locals, handlers that raise, `finally`,
    `yield` inside `except`, `__exit__` parameters, nested-function fills) raised the count on
    the same corpus from 73 to 161 findings (the `raise self._exception` form came later and
    is not in that count); the 88 new ones are not labelled yet: 52 raised locals (`raise exc`
    after a retry loop or a translation), 20 `yield` inside an `except` block (celery's
    asynpool readers, django, rich, the standard library), 10 handlers that raise, 3
    `__exit__` parameters stored on `self`, 3 nested-function fills. On the leak-fix corpus these forms find 11 released frame cycles the rule missed,
    and no fixed version is reported.

    Not reported: `str(e)`, `repr(e)`, `traceback.format_exc()` and other strings made from the
    exception; `e.with_traceback(None)`; re-raising (`raise`, `raise e`, `raise X from e`);
    exceptions passed to a call (`fut.set_exception(e)`, `log.exception(...)`; asyncio and
    concurrent.futures store them by design); a local that is deleted or set to `None` (or a
    local list that is cleared) later in the function, in a `finally` or right after use; an
    attribute or container the module resets to `None` / empties outside `__init__`;
    `traceback.clear_frames(...)`. Only values the function obtains itself (`except ... as e`,
    `sys.exc_info()`, frame calls) are followed: an exception received as a parameter is not.
    A caller's frame (`sys._getframe(1)`) kept in a local forms no cycle and is not reported;
    stored on `self` or in a module it is. `sys.exc_info()` called outside an `except` block
    of the same function returns a caller's exception, whose traceback does not reach this
    frame: kept in a local it is not reported. A local that later moves on (`frame =
    frame.f_back`, `tb = tb.tb_next`) is not reported. Code at module level runs once, at
    import, and is not reported. `raise self.overflow_exception` where the class body binds
    the attribute to an exception class raises a new instance each time and is not reported;
    of a re-raising helper's arguments only the unpacked (`reraise(*self._exc_info)`) or the
    only one is taken as raised (`reraise(exc, self.backend)` does not raise the backend).

    These forms are reported whether or not they run in a loop, because the exception leaves
    the frame with the cycle attached: a local that is raised (`err = self._error; raise err`,
    `e = ctx.curexc; raise e`; the handler's own `as` name is deleted when the handler ends and
    is not reported), a local given `sys.exc_info()` in a `finally` block (the exception in
    flight, raised from this frame), and the `exc_val` / `exc_tb` parameters of `__exit__` /
    `__aexit__` stored on `self` or in a module (the frames of the `with` body, which usually
    reference the context manager). So are an exception kept in a local by a handler that
    raises (the exception leaves with the cycle), and a `yield` inside an `except` block (the
    suspended generator keeps the exception being handled, whose traceback references the
    generator's frame). An exception kept on `self` and raised from a method (`raise
    self._exception`, `reraise(*self._exc_info)`) makes the frame, `self` and the exception a
    cycle, unless the method drops `self` (`finally: self = None`, as `concurrent.futures`
    does). A local container of an enclosing function filled from a nested
    function (a callback or a task run per attempt, also when the container is bound further
    down) counts as filled in a loop. A module that imports only `unittest.mock` (library code
    that recognizes mocks) is not test code.

    A local (or local container) that keeps the exception after a handler forms a cycle that
    the cyclic garbage collector frees later; this is reported with medium confidence, and by
    default only when the handler runs in a loop (the retry-loop shape that the standard
    library fixed in `socket.create_connection`): the option `all-locals` reports every such
    local. Stores on `self` and in modules keep the frames for as long as the object or the
    process lives and are reported with high confidence.

    Test code is not reported: test functions (`test*`, `setUp`, `tearDown`), methods of
    test classes (`Test*`, `*Test`, `*Tests`, `*TestCase`) and modules that import `unittest`
    or `pytest`; tests run once and keep exceptions, frames and callbacks on purpose. The
    local-cycle form is not reported in functions that run once or by design (`main`,
    `setup*`, `configure*`, `init_*` and names containing `register`, `install`, `hook`,
    `patch`): a cycle made once is freed by the next collection and costs nothing.

    ## Fix safety
    There is no automatic fix. Keep what you need instead of the exception (`str(e)`, the
    formatted traceback, `traceback.TracebackException(...)` without `capture_locals`), strip
    the traceback (`e.with_traceback(None)`), or break the cycle when done: `del err` /
    `err = None` / `errors.clear()` in a `finally`, as the standard library does.

    ## References
    - [The try statement: the `as` target is cleared at the end of the except clause](https://docs.python.org/3/reference/compound_stmts.html#except-clause)
    - [sys.exc_info](https://docs.python.org/3/library/sys.html#sys.exc_info), [inspect: the interpreter stack (note on reference cycles)](https://docs.python.org/3/library/inspect.html#the-interpreter-stack)
    - [traceback.clear_frames](https://docs.python.org/3/library/traceback.html#traceback.clear_frames)
    - No peer linter checks this.
    """

    code = "LL302"
    name = "retained-exception-or-frame"
    message = "{what} is stored on {target}, so the frames it references and all their local variables live as long as the object"
    module_message = "{what} is stored in {target}, which lives for the whole process, so the frames it references and all their local variables are never freed"
    local_message = "{what} is kept in {target} after the handler: its traceback references this frame, which references it again, a reference cycle that keeps every frame of the failed call and their locals alive until the cyclic garbage collector runs"
    raised_message = "the exception kept in {target} is raised from this frame (`raise {name}`) while {target} still references it: its traceback references this frame, which references the exception again, a reference cycle that keeps every frame of the failed call and their locals alive until the cyclic garbage collector runs"
    escaping_message = "the exception leaving this frame (sys.exc_info() in a `finally` block) is kept in {target}: its traceback references this frame, which references it again, a reference cycle that keeps every frame of the failed call and their locals alive until the cyclic garbage collector runs"
    raised_self_message = "{target} is raised from a frame that holds {name}: the traceback references this frame, which references {name}, which references the exception again, a reference cycle made on every raise that keeps {name}, the frames and their locals alive until the cyclic garbage collector runs (drop it: `finally: {name} = None`)"
    reraised_message = "{what} is kept in {target} by a handler that raises: the exception leaves this frame with a traceback that references it, and the frame references the exception again through {target}, a reference cycle that keeps every frame of the failed call and their locals alive until the cyclic garbage collector runs"
    yield_message = "this yield suspends the generator inside an `except` block: the suspended frame keeps the exception being handled, whose traceback references the frame, a reference cycle made on every suspension that keeps the frame and its locals alive until the cyclic garbage collector runs"
    frame_local_message = "{what} is kept in {target}: the frame references itself through it, a reference cycle that keeps all its local variables alive until the cyclic garbage collector runs"
    confidence = Confidence.HIGH
    default_enabled = True
    triggers = ("except", "exc_info", "exception", "_getframe", "currentframe", "stack", "inspect", "__traceback__", "tb_frame", "raise", "__exit__", "__aexit__")
    fix_title = "Keep str(e) or a formatted traceback, strip it with e.with_traceback(None), or del / None it in a finally"

    @dataclass(frozen=True)
    class Options:
        all_forms: bool = field(
            default=False,
            metadata={
                "form": True,
                "help": "Report every form (exceptions, tracebacks and frames kept on objects, in modules or in "
                "locals after a handler, `yield` inside `except`), not only a stored exception raised again "
                "from a frame that still references it and caught exceptions gathered in a container per attempt."
            },
        )
        all_locals: bool = field(
            default=False,
            metadata={
                "form": True,
                "help": "Also report an exception kept in a local after a handler that is not in a loop "
                "(by default only locals and local containers filled in a loop of attempts are reported, "
                "and frames kept in locals)."
            },
        )

    VALID = [
        Valid(
            """
            class Job:
                def run(self):
                    try:
                        self.work()
                    except Exception as e:
                        self.error = str(e)
                        self.detail = repr(e)
            """,
            id="str-and-repr",
        ),
        Valid(
            """
            import traceback

            class Job:
                def run(self):
                    try:
                        self.work()
                    except Exception:
                        self.trace = traceback.format_exc()
            """,
            id="format-exc",
        ),
        Valid(
            """
            class Job:
                def run(self):
                    try:
                        self.work()
                    except Exception as e:
                        self.error = e.with_traceback(None)
            """,
            id="with-traceback-none",
        ),
    ]

    INVALID = [
        Invalid(
            """
            class Future:
                def result(self):
                    if self._exc_info is not None:
                        raise_exc_info(self._exc_info)  # LL302
                    if self._exception is not None:
                        raise self._exception  # LL302
                    return self._result
            """,
            id="raised-attribute-of-self",
            message_contains="self = None",
        ),
        Invalid(
            """
            async def connect(hosts, connect_one, tg):
                async def try_connect(host):
                    try:
                        await connect_one(host)
                    except OSError as exc:
                        oserrors.append(exc)  # LL302

                oserrors = []
                for host in hosts:
                    tg.start_soon(try_connect, host)
                raise OSError(oserrors)
            """,
            id="enclosing-list-filled-by-nested-function",
            options={"all_forms": True},
        ),
    ]

    requires = (ClosureNames, ContainerStorage, FrameValues)

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self.frames = self.fact(FrameValues)
        self.kind_of = self.frames.kind_of
        self._candidates: List["_Candidate"] = []

    # ------------------------------------------------------------------ sinks
    def visit_Assign(self, node: cst.Assign) -> None:
        self._assigned(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._assigned(node)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._assigned(node)

    def _assigned(self, node: cst.CSTNode) -> None:
        """Each target of an assignment with the kind it receives (`FrameValues.bound`)."""
        for target, kind in self.frames.bound.get(id(node), ()):
            if kind is None:
                continue
            if isinstance(target, str):
                self._assign_name(node, target, kind)
            elif isinstance(target, cst.Attribute):
                self._sink(node, kind, target, dotted_name(target))
            elif isinstance(target, cst.Subscript):
                self._sink(node, kind, target.value, "")

    def _assign_name(self, node: cst.CSTNode, name: str, kind: str) -> None:
        ctx = self.context
        scope = ctx.scope
        if ctx.function_scope is None:
            return  # module-level code runs once, at import
        if name in scope.global_names:
            if not in_test_code(self.context, scope):
                self._candidates.append(_Candidate(node, kind, "module", name, StorageRef("module", name, name, module_name=name)))
            return
        if kind in CYCLIC and not in_one_time_function(self.context, scope):
            # in a `finally` the exception is on its way out of this frame: the cycle leaves with it
            escaping = any(s is scope for s in self.frames.finally_scopes) and not self.frames.in_handler(scope)
            self._candidates.append(
                _Candidate(node, kind, "escaping" if escaping else self._local(kind, scope), f"local {name}", scope=scope, name=name, seq=self.frames.seq, in_loop=ctx.in_loop or escaping)
            )

    def _local(self, kind: str, scope: Scope) -> str:
        """A local that keeps the value: "reraised" when a handler of that function raises
        while it holds the exception (the exception leaves the frame with a traceback that
        references it), else "local"."""
        if kind in (EXCEPTION, EXC_INFO, TRACEBACK) and self.frames.in_raising_handler(scope):
            return "reraised"
        return "local"

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        qualified = ctx.call_name(node)
        if qualified == "traceback.clear_frames":
            return
        last = (qualified or dotted_name(node.func) or "").rsplit(".", 1)[-1]
        if last in RERAISERS:
            # `reraise(*self._exc_info)`, `raise_exc_info(self._exc_info)`: the unpacked or the
            # only argument is what is raised (`reraise(exc, self.backend)` raises `exc`)
            for arg in node.args:
                if arg.star == "*" or len(node.args) == 1:
                    self._raised_from_self(node, arg.value)
        receiver, method = call_method(node)
        if receiver is None or (method == "clear" and not node.args and isinstance(receiver, cst.Name)):
            return
        for value in stored_values(node, method):
            kind = self.kind_of(value)
            if kind is None:
                continue
            self._sink(node, kind, receiver, "")
            return

    def visit_Yield(self, node: cst.Yield) -> None:
        ctx = self.context
        scope = ctx.scope
        if ctx.function_scope is None or not self.frames.in_handler(scope):
            return
        if in_one_time_function(ctx, scope):
            return
        self._candidates.append(_Candidate(node, EXCEPTION, "yield", "", scope=scope))

    def visit_Raise(self, node: cst.Raise) -> None:
        """`raise err` of a local: the exception's traceback starts at this frame, which still
        references the exception through `err` while it propagates and wherever it is kept
        after: a cycle made on every raise, until `err` is deleted (`try: raise err finally:
        del err`)."""
        exc = node.exc
        ctx = self.context
        if isinstance(exc, cst.Attribute):
            self._raised_from_self(node, exc)
            return
        if not isinstance(exc, cst.Name) or ctx.function_scope is None:
            return
        name = exc.value
        scope = binding_scope(name, ctx.scope)
        if scope is None or not scope.is_function or scope is not ctx.scope:
            return
        if self.frames.handling(name, scope):
            return  # the `as` name of the handler is deleted when the handler ends
        assigned = self.frames.assigned.get((scope, name))
        if assigned is None or in_one_time_function(ctx, scope):
            return
        store, _ = assigned
        cand = _Candidate(store, EXCEPTION, "raised", f"local {name}", scope=scope, name=name, seq=self.frames.seq, in_loop=True)
        # `captured_error = self.error; raise captured_error`: an exception stored on an object
        # the call did not make (self, a parameter, a module name) raised again: the holder
        # keeps it, and with it every frame it was ever raised through
        value = next((b.value for b in scope.history(name) if b.node is store), None)
        holder = root_name(value, through_calls=False) if value is not None else None
        cand.stored = reads_existing_value(value) and holder is not None and held_outside_frame(holder, scope)
        self._candidates.append(cand)

    def _raised_from_self(self, node: cst.CSTNode, value: cst.BaseExpression) -> None:
        """`raise self._exception` (or `reraise(*self._exc_info)`) in a method: the traceback
        starts at this frame, which holds `self`, which holds the exception: a cycle per raise
        unless `self` is dropped (`finally: self = None`, as concurrent.futures does)."""
        ctx = self.context
        scope = ctx.scope
        if ctx.function_scope is None or not scope.is_function or in_one_time_function(ctx, scope):
            return
        me = self_name(ctx)
        while isinstance(value, cst.Subscript):
            value = value.value
        if not me or not isinstance(value, cst.Attribute) or not isinstance(value.value, cst.Name) or value.value.value != me:
            return
        if binding_scope(me, scope) is not scope:
            return  # in a nested function: its frame does not hold self as a local
        if isinstance(value.attr, cst.Name) and names_a_class(class_body_value(ctx.method_class(scope), value.attr.value), scope):
            return  # `underflow_exception = EmptyResultSet` in the class body: a new instance per raise
        self._candidates.append(_Candidate(node, EXCEPTION, "raised_self", dotted_name(value), scope=scope, name=me, seq=self.frames.seq, in_loop=True))

    def _sink(self, node: cst.CSTNode, kind: str, container: cst.BaseExpression, target: str) -> None:
        ctx = self.context
        if ctx.function_scope is None:
            return  # module-level code runs once, at import
        if in_test_code(ctx, ctx.scope):
            return  # tests keep exceptions on purpose, to assert on them
        ref = self.storage_of(container)
        if ref is None:
            name = root_name(container)
            if name and kind in CYCLIC and ctx.scope.parent is not None and ctx.scope.parent.is_function:
                # a nested function filling a name of its enclosing function bound further down
                # (`oserrors.append(exc)` before `oserrors = []`): resolved after the traversal
                if not in_one_time_function(ctx, ctx.scope):
                    self._candidates.append(_Candidate(node, kind, "pending", name, scope=ctx.scope, name=name, seq=self.frames.seq, in_loop=True))
            return
        target = target or ref.text
        if ref.kind == "local":
            if kind not in CYCLIC:
                return
            name = root_name(container)
            if name is not None and self.frames.handling(name, ctx.scope):
                return  # `exc.__traceback__ = tb`: the handler's own name is deleted when it ends
            found = binding_scope(name, ctx.scope) if name else None
            if name is None or found is None or not found.is_function or in_one_time_function(ctx, ctx.scope):
                return
            # filled from a nested function (a callback, a task per attempt): once per call of it
            self._candidates.append(_Candidate(node, kind, self._local(kind, found), target, scope=found, name=name, seq=self.frames.seq, in_loop=ctx.in_loop or found is not ctx.scope))
            return
        self._candidates.append(_Candidate(node, kind, ref.kind, target, ref))

    # ------------------------------------------------------------------ decide
    def _default_form(self, cand: "_Candidate") -> bool:
        """The form reported by default: a stored exception raised again from a frame that
        still references it, through `self` (`raise self._exception`) or a local read from
        where it is stored (`err = self.error; raise err`); and caught exceptions gathered in a
        container of the function across a loop of attempts or by a nested function called per
        attempt (`errors.append(exc)`, then `raise ExceptionGroup(..., errors)` or a return):
        each one's traceback references the frame that holds the container, and the cycle keeps
        every failed attempt's frames until the cyclic collector runs. Every raise makes a cycle (the
        traceback references the frame, the frame the exception) and adds this frame to the
        traceback the holder keeps, so the holder keeps every frame it was raised through.
        Not in test files, nor in code the project's lifetime model places once per process."""
        if cand.sink != "raised_self" and not (cand.sink == "raised" and cand.stored) and not _gathered(cand):
            return False
        if is_test_path(self.context.path):
            return False
        project = self.context.project
        scope = cand.scope
        if project is not None and scope is not None:
            runs = project.scope_multiplicity(self.context.module, scope.qualname)
            if runs.value == "once":
                return False
        return True

    def leave_Module(self, original_node: cst.Module) -> None:
        seen: Set[int] = set()
        all_locals = bool(getattr(self.options, "all_locals", False))
        all_forms = bool(getattr(self.options, "all_forms", False))
        for cand in self._candidates:
            if id(cand.node) in seen:
                continue
            if not all_forms and not self._default_form(cand):
                continue
            kind = cand.kind
            what = DESCRIPTIONS[kind]
            if cand.sink == "pending":
                assert cand.scope is not None
                found = binding_scope(cand.name, cand.scope)
                if found is None or found is cand.scope or not found.is_function or found.bindings.get(cand.name) != LOCAL:
                    continue
                cand.sink, cand.scope = "local", found
                # its first binding comes after the nested function: a clear must come later still
                cand.seq = max(cand.seq, self.frames.first_assigned.get((found, cand.name), 0) + 1)
            if cand.sink in ("local", "raised", "escaping", "reraised", "raised_self"):
                scope = cand.scope
                assert scope is not None
                if self.frames.cleared_after(scope, (cand.name, cand.target), cand.seq):
                    continue
                message = "frame_local_message" if kind == FRAME else _LOCAL_MESSAGES.get(cand.sink)
                if message is None and not (cand.in_loop or all_locals):
                    continue
                self.report(
                    cand.node, message=getattr(self, message or "local_message"), confidence=Confidence.MEDIUM,
                    what=what, target=cand.target, name=cand.name,
                )
            elif cand.sink == "yield":
                self.report(cand.node, message=self.yield_message, confidence=Confidence.MEDIUM)
            elif cand.ref is not None and cand.ref.key in self.shrunk:
                continue
            elif cand.sink in ("self", "selfattr"):
                self.report(cand.node, what=what, target=cand.target)
            else:
                self.report(cand.node, message=self.module_message, what=what, target=_where(cand.sink, cand.target))
            seen.add(id(cand.node))


@dataclass
class _Candidate:
    node: cst.CSTNode
    kind: str
    # local | self | selfattr | module | imported | class | pending | yield | escaping |
    # reraised | raised | raised_self
    sink: str
    target: str
    ref: Optional[StorageRef] = None
    scope: Optional[Scope] = None  # for locals: the function whose frame forms the cycle
    name: str = ""  # for locals: the variable (or container) name
    seq: int = 0
    in_loop: bool = False
    stored: bool = False  # a raised local read from where the exception is stored


def _gathered(cand: _Candidate) -> bool:
    """An exception (or its traceback) kept in a container local to the function (a plain
    name filled by item or method, not a local bound to it nor an attribute of a local
    object), in a loop or from a nested function: one per failed attempt."""
    return (
        cand.kind in (EXCEPTION, EXC_INFO, TRACEBACK)
        and cand.sink in ("local", "reraised", "pending")
        and cand.target.isidentifier()
        and cand.in_loop
    )


# the message of each sink a local forms a cycle through (the others: `local_message`)
_LOCAL_MESSAGES = {
    "raised_self": "raised_self_message",
    "raised": "raised_message",
    "escaping": "escaping_message",
    "reraised": "reraised_message",
}




def _where(sink: str, target: str) -> str:
    if sink == "class":
        return f"class attribute {target}"
    if sink == "imported":
        return f"module attribute {target}"
    return f"module-level {target}"
