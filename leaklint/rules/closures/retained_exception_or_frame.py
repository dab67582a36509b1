from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import call_method, dotted_name, int_value, is_none, reads_existing_value, root_name
from ...matchers import self_name
from ...analysis.scopes import LOCAL, Scope, binding_scope, class_body_value, held_outside_frame, names_a_class
from ...policy import in_one_time_function, in_test_code, is_test_path
from ...types import Confidence, Invalid, Valid
from ...traverse import children
from ._common import (
    StorageRef,
    StorageTracker,
    stored_values,
)

# kinds of values that reference frames
EXCEPTION = "exception"  # an exception caught here: its __traceback__ starts at this frame
EXC_INFO = "exc_info"  # the (type, value, traceback) tuple
TRACEBACK = "traceback"
FRAME = "frame"  # the current frame (or a list of frames that contains it)
OUTER_FRAME = "outer_frame"  # a caller's frame: retains the caller, no cycle with this frame
# the exception a caller is handling (sys.exc_info() outside an except block of this
# function), or the deeper part of a traceback: retains frames, but not this one
OUTER_EXCEPTION = "outer_exception"
OUTER_EXC_INFO = "outer_exc_info"
OUTER_TRACEBACK = "outer_traceback"
_OUTER = {EXCEPTION: OUTER_EXCEPTION, EXC_INFO: OUTER_EXC_INFO, TRACEBACK: OUTER_TRACEBACK}
_BASE = {OUTER_EXCEPTION: EXCEPTION, OUTER_EXC_INFO: EXC_INFO, OUTER_TRACEBACK: TRACEBACK}

# kinds that form a cycle with the current frame when kept in one of its locals
CYCLIC = frozenset({EXCEPTION, EXC_INFO, TRACEBACK, FRAME})

# helpers that raise the exception (or exc_info) they are given
RERAISERS = frozenset({"reraise", "raise_exc_info", "raise_with_traceback", "raise_"})
STACK_CALLS = frozenset({"inspect.stack", "inspect.trace"})
FRAME_LIST_CALLS = frozenset({"inspect.getouterframes", "inspect.getinnerframes"})


class RetainedExceptionOrFrame(StorageTracker):
    """
    ## What it does
    Checks for exceptions, `sys.exc_info()` (or its parts), tracebacks and frames
    (`inspect.currentframe()`, `sys._getframe()`, `inspect.stack()`) stored where they outlive
    the `except` block: on `self`, in a module- or class-level container or global, or in a
    local variable or local container of the same function that is still bound after the
    handler ends. By default only one form is reported: a stored exception raised again from a
    frame that still references it (`raise self._exception`, `err = self.error; raise err`);
    the option `all-forms` reports the others.

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
                "from a frame that still references it."
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

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._handlers: List[Tuple[str, Scope]] = []
        self._seq = 0
        # (scope, name) -> kind, for locals that hold a frame-referencing value
        self._tainted: Dict[Tuple[Scope, str], str] = {}
        # (scope, name) -> sequence numbers where the local is deleted / set to None / cleared
        self._clears: Dict[Tuple[Scope, str], List[int]] = {}
        self._frames_cleared: Set[Scope] = set()
        self._candidates: List["_Candidate"] = []
        # scopes of the `finally` blocks we are in: sys.exc_info() there is the exception in
        # flight, which (raised in the `try` body) has this frame in its traceback
        self._finally: List[Scope] = []
        self._handler_starts: List[int] = []  # len(self._candidates) when each open handler began
        # (scope, name) -> (statement, seq) of the last plain assignment of a local
        self._assigned: Dict[Tuple[Scope, str], Tuple[cst.CSTNode, int]] = {}
        self._first_assigned: Dict[Tuple[Scope, str], int] = {}

    # ------------------------------------------------------------------ handlers
    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._push_handler(node)

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self._leave_handler(original_node)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._push_handler(node)

    def leave_ExceptStarHandler(self, original_node: cst.ExceptStarHandler) -> None:
        self._leave_handler(original_node)

    def _leave_handler(self, node: cst.CSTNode) -> None:
        _, scope = self._handlers.pop()
        first = self._handler_starts.pop()
        if not _raises(node):
            return
        # the handler raises: the exception leaves this frame while a local still holds it
        for cand in self._candidates[first:]:
            if cand.sink == "local" and cand.scope is scope and cand.kind in (EXCEPTION, EXC_INFO, TRACEBACK):
                cand.sink = "reraised"

    def visit_Finally(self, node: cst.Finally) -> None:
        self._finally.append(self.context.scope)

    def leave_Finally(self, original_node: cst.Finally) -> None:
        self._finally.pop()

    def _push_handler(self, node: cst.CSTNode) -> None:
        name = getattr(node, "name", None)
        target = name.name.value if name is not None and isinstance(name.name, cst.Name) else ""
        self._handlers.append((target, self.context.scope))
        self._handler_starts.append(len(self._candidates))

    # ------------------------------------------------------------------ what references frames
    def kind_of(self, expr: cst.BaseExpression) -> Optional[str]:
        ctx = self.context
        if isinstance(expr, cst.Name):
            for name, scope in reversed(self._handlers):
                if name == expr.value and binding_scope(name, ctx.scope) is scope:
                    return EXCEPTION
            found = binding_scope(expr.value, ctx.scope)
            if found is not None:
                return self._tainted.get((found, expr.value)) or self._exit_parameter(expr.value)
            return None
        if isinstance(expr, cst.Call):
            qualified = ctx.call_name(expr)
            if qualified == "sys.exc_info":
                return EXC_INFO if self._in_handler() else OUTER_EXC_INFO
            if qualified == "sys.exception":
                return EXCEPTION if self._in_handler() else OUTER_EXCEPTION
            if qualified == "inspect.currentframe":
                return FRAME
            if qualified == "sys._getframe":
                depth = int_value(expr.args[0].value) if expr.args else 0
                return FRAME if depth == 0 else OUTER_FRAME
            if qualified in STACK_CALLS:
                return FRAME
            if qualified in FRAME_LIST_CALLS and expr.args:
                inner = self.kind_of(expr.args[0].value)
                return inner if inner in (FRAME, OUTER_FRAME, TRACEBACK, OUTER_TRACEBACK) else None
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "with_traceback":
                # `e.with_traceback(None)` strips it; another traceback may not reach this frame
                if expr.args and self.kind_of(expr.args[0].value) in (TRACEBACK, OUTER_TRACEBACK):
                    return self.kind_of(expr.func.value)
                return None
            return None
        if isinstance(expr, (cst.Subscript, cst.Attribute)):
            base = self.kind_of(expr.value)
            if base is None:
                return None
            outer = base in _BASE
            plain = _BASE.get(base, base)
            if isinstance(expr, cst.Subscript):
                kind = self._subscript(expr, plain)
            else:
                kind = self._attribute(expr.attr.value, plain)
            return _OUTER.get(kind or "", kind) if outer else kind
        if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
            for element in expr.elements:
                kind = self.kind_of(element.value)
                if kind is not None:
                    return kind
            return None
        if isinstance(expr, cst.Dict):
            for element in expr.elements:
                if isinstance(element, cst.DictElement):
                    kind = self.kind_of(element.value) or self.kind_of(element.key)
                    if kind is not None:
                        return kind
            return None
        if isinstance(expr, cst.IfExp):
            return self.kind_of(expr.body) or self.kind_of(expr.orelse)
        if isinstance(expr, cst.BooleanOperation):
            return self.kind_of(expr.left) or self.kind_of(expr.right)
        return None

    def _in_handler(self) -> bool:
        scope = self.context.scope
        return any(s is scope for _, s in self._handlers) or any(s is scope for s in self._finally)

    def _exit_parameter(self, name: str) -> Optional[str]:
        """`exc_val` / `exc_tb` of `__exit__(self, exc_type, exc_val, exc_tb)` (or
        `__aexit__`): the exception leaving the `with` body and its traceback, whose frames
        are the caller's (the one running the `with`), not this one."""
        binding = self.context.binding(name)
        if binding is None or binding.kind != "param" or binding.scope.name not in ("__exit__", "__aexit__"):
            return None
        node = binding.scope.node
        if not isinstance(node, cst.FunctionDef):
            return None
        params = [p.name.value for p in node.params.params]
        if len(params) < 4 or binding.scope is not self.context.scope:
            return None
        return {params[2]: OUTER_EXCEPTION, params[3]: OUTER_TRACEBACK}.get(name)

    @staticmethod
    def _subscript(expr: cst.Subscript, base: str) -> Optional[str]:
        element = expr.slice[0].slice
        index = int_value(element.value) if isinstance(element, cst.Index) else None
        if base == EXC_INFO:
            if isinstance(element, cst.Slice):
                upper = int_value(element.upper) if element.upper is not None else None
                return None if upper == 1 else EXC_INFO
            return {0: None, 1: EXCEPTION, 2: TRACEBACK}.get(index, EXC_INFO) if index is not None else EXC_INFO
        if base == FRAME:
            return FRAME if index == 0 else OUTER_FRAME
        return base if base == OUTER_FRAME else None

    @staticmethod
    def _attribute(attr: str, base: str) -> Optional[str]:
        if attr == "__traceback__" and base == EXCEPTION:
            return TRACEBACK
        if attr in ("__cause__", "__context__") and base == EXCEPTION:
            return EXCEPTION
        if attr == "tb_frame" and base == TRACEBACK:
            return FRAME
        if attr == "tb_next" and base == TRACEBACK:
            return OUTER_TRACEBACK  # deeper frames only: no cycle with this one
        if attr == "f_back" and base in (FRAME, OUTER_FRAME):
            return OUTER_FRAME
        if attr == "frame" and base in (FRAME, OUTER_FRAME):
            return base
        return None

    # ------------------------------------------------------------------ sinks
    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._seq += 1

    def visit_Assign(self, node: cst.Assign) -> None:
        kind = self.kind_of(node.value)
        for target in node.targets:
            self._assign(node, target.target, node.value, kind)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assign(node, node.target, node.value, self.kind_of(node.value))

    def _assign(self, node: cst.CSTNode, target: cst.BaseExpression, value: Optional[cst.BaseExpression], kind: Optional[str]) -> None:
        if isinstance(target, cst.Name):
            self._assign_name(node, target.value, kind, clears=value is not None and (is_none(value) or _empty(value)))
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            elements = [e.value for e in target.elements]
            start = _exc_info_start(value) if kind == EXC_INFO else None
            if start is not None:
                # `t, v, tb = sys.exc_info()` / `v, tb = sys.exc_info()[1:]`: the value and the
                # traceback parts
                parts = (None, EXCEPTION, TRACEBACK)[start:]
                for index, element in enumerate(elements):
                    self._assign(node, element, None, parts[index] if index < len(parts) else None)
                return
            if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(elements):
                for t, v in zip(elements, value.elements):
                    self._assign(node, t, v.value, self.kind_of(v.value))
                return
            for element in elements:
                self._assign(node, element, None, None)
            return
        if kind is None or kind not in CYCLIC:
            # `state.frame = None`: an attribute of a local object reset
            text = dotted_name(target) if isinstance(target, cst.Attribute) else ""
            root = root_name(target)
            found = binding_scope(root, self.context.scope) if root else None
            if text and found is not None:
                self._clears.setdefault((found, text), []).append(self._seq)
            if kind is None:
                return
        if isinstance(target, cst.Attribute):
            self._sink(node, kind, target, dotted_name(target))
        elif isinstance(target, cst.Subscript):
            self._sink(node, kind, target.value, "")

    def _assign_name(self, node: cst.CSTNode, name: str, kind: Optional[str], clears: bool = False) -> None:
        ctx = self.context
        scope = ctx.scope
        if ctx.function_scope is None:
            return  # module-level code runs once, at import
        key = (scope, name)
        self._assigned[key] = (node, self._seq)
        self._first_assigned.setdefault(key, self._seq)
        if kind is None or (kind not in CYCLIC and name not in scope.global_names):
            # rebound to something else (None, the next frame out, ...): that breaks the cycle
            self._clears.setdefault(key, []).append(self._seq)
            if kind is None:
                self._tainted.pop(key, None)
                return
        if name in scope.global_names:
            if not in_test_code(self.context, scope):
                self._candidates.append(_Candidate(node, kind, "module", name, StorageRef("module", name, name, module_name=name)))
            return
        self._tainted[key] = kind
        if kind in CYCLIC and not in_one_time_function(self.context, scope):
            # in a `finally` the exception is on its way out of this frame: the cycle leaves with it
            escaping = any(s is scope for s in self._finally) and not any(s is scope for _, s in self._handlers)
            self._candidates.append(
                _Candidate(node, kind, "escaping" if escaping else "local", f"local {name}", scope=scope, name=name, seq=self._seq, in_loop=ctx.in_loop or escaping)
            )

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if isinstance(node.target, cst.Name):
            self._assign_name(node, node.target.value, self.kind_of(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        qualified = ctx.call_name(node)
        if qualified == "traceback.clear_frames":
            self._frames_cleared.add(ctx.scope)
            return
        last = (qualified or dotted_name(node.func) or "").rsplit(".", 1)[-1]
        if last in RERAISERS:
            # `reraise(*self._exc_info)`, `raise_exc_info(self._exc_info)`: the unpacked or the
            # only argument is what is raised (`reraise(exc, self.backend)` raises `exc`)
            for arg in node.args:
                if arg.star == "*" or len(node.args) == 1:
                    self._raised_from_self(node, arg.value)
        receiver, method = call_method(node)
        if receiver is None:
            return
        if method == "clear" and not node.args and isinstance(receiver, cst.Name):
            found = binding_scope(receiver.value, ctx.scope)
            if found is not None:
                self._clears.setdefault((found, receiver.value), []).append(self._seq)
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
        if ctx.function_scope is None or not any(s is scope for _, s in self._handlers):
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
        if any(h == name and s is scope for h, s in self._handlers):
            return  # the `as` name of the handler is deleted when the handler ends
        assigned = self._assigned.get((scope, name))
        if assigned is None or in_one_time_function(ctx, scope):
            return
        store, _ = assigned
        cand = _Candidate(store, EXCEPTION, "raised", f"local {name}", scope=scope, name=name, seq=self._seq, in_loop=True)
        # `captured_error = self.error; raise captured_error`: an exception stored on an object
        # the call did not make (self, a parameter, a module name) raised again: the holder
        # keeps it, and with it every frame it was ever raised through
        value = _single_value(store, name)
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
        self._candidates.append(_Candidate(node, EXCEPTION, "raised_self", dotted_name(value), scope=scope, name=me, seq=self._seq, in_loop=True))

    def visit_Del(self, node: cst.Del) -> None:
        targets = [node.target]
        while targets:
            t = targets.pop()
            if isinstance(t, (cst.Tuple, cst.List)):
                targets.extend(e.value for e in t.elements)
            elif isinstance(t, cst.Name):
                found = binding_scope(t.value, self.context.scope) or self.context.scope
                self._clears.setdefault((found, t.value), []).append(self._seq)

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
                    self._candidates.append(_Candidate(node, kind, "pending", name, scope=ctx.scope, name=name, seq=self._seq, in_loop=True))
            return
        target = target or ref.text
        if ref.kind == "local":
            if kind not in CYCLIC:
                return
            name = root_name(container)
            if any(h == name and s is ctx.scope for h, s in self._handlers):
                return  # `exc.__traceback__ = tb`: the handler's own name is deleted when it ends
            found = binding_scope(name, ctx.scope) if name else None
            if name is None or found is None or not found.is_function or in_one_time_function(ctx, ctx.scope):
                return
            # filled from a nested function (a callback, a task per attempt): once per call of it
            self._candidates.append(_Candidate(node, kind, "local", target, scope=found, name=name, seq=self._seq, in_loop=ctx.in_loop or found is not ctx.scope))
            return
        self._candidates.append(_Candidate(node, kind, ref.kind, target, ref))

    # ------------------------------------------------------------------ decide
    def _default_form(self, cand: "_Candidate") -> bool:
        """The form reported by default: a stored exception raised again from a frame that
        still references it, through `self` (`raise self._exception`) or a local read from
        where it is stored (`err = self.error; raise err`). Every raise makes a cycle (the
        traceback references the frame, the frame the exception) and adds this frame to the
        traceback the holder keeps, so the holder keeps every frame it was raised through.
        Not in test files, nor in code the project's lifetime model places once per process."""
        if cand.sink != "raised_self" and not (cand.sink == "raised" and cand.stored):
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
            what = _WHAT[kind]
            if cand.sink == "pending":
                assert cand.scope is not None
                found = binding_scope(cand.name, cand.scope)
                if found is None or found is cand.scope or not found.is_function or found.bindings.get(cand.name) != LOCAL:
                    continue
                cand.sink, cand.scope = "local", found
                # its first binding comes after the nested function: a clear must come later still
                cand.seq = max(cand.seq, self._first_assigned.get((found, cand.name), 0) + 1)
            if cand.sink in ("local", "raised", "escaping", "reraised", "raised_self"):
                scope = cand.scope
                assert scope is not None
                if scope in self._frames_cleared:
                    continue
                clears = self._clears.get((scope, cand.name), []) + self._clears.get((scope, cand.target), [])
                if any(s >= cand.seq for s in clears):
                    continue
                if kind == FRAME:
                    target = cand.target if cand.target.startswith("local ") else cand.target
                    self.report(cand.node, message=self.frame_local_message, confidence=Confidence.MEDIUM, what=what, target=target)
                elif cand.sink == "raised_self":
                    self.report(cand.node, message=self.raised_self_message, confidence=Confidence.MEDIUM, target=cand.target, name=cand.name)
                elif cand.sink == "raised":
                    self.report(cand.node, message=self.raised_message, confidence=Confidence.MEDIUM, target=cand.target, name=cand.name)
                elif cand.sink == "escaping":
                    self.report(cand.node, message=self.escaping_message, confidence=Confidence.MEDIUM, what=what, target=cand.target)
                elif cand.sink == "reraised":
                    self.report(cand.node, message=self.reraised_message, confidence=Confidence.MEDIUM, what=what, target=cand.target)
                elif cand.in_loop or all_locals:
                    self.report(cand.node, message=self.local_message, confidence=Confidence.MEDIUM, what=what, target=cand.target)
                else:
                    continue
            elif cand.sink == "yield":
                self.report(cand.node, message=self.yield_message, confidence=Confidence.MEDIUM)
            elif cand.ref is not None and cand.ref.key in self.shrunk:
                continue
            elif cand.sink in ("self", "selfattr"):
                self.report(cand.node, what=what, target=cand.target)
            else:
                self.report(cand.node, message=self.module_message, what=what, target=_where(cand.sink, cand.target))
            seen.add(id(cand.node))


class _Candidate:
    __slots__ = ("node", "kind", "sink", "target", "ref", "scope", "name", "seq", "in_loop", "stored")

    def __init__(
        self,
        node: cst.CSTNode,
        kind: str,
        sink: str,
        target: str,
        ref: Optional[StorageRef] = None,
        scope: Optional[Scope] = None,
        name: str = "",
        seq: int = 0,
        in_loop: bool = False,
    ) -> None:
        self.node = node
        self.kind = kind
        self.sink = sink  # local | self | selfattr | module | imported | class
        self.target = target
        self.ref = ref
        self.scope = scope  # for locals: the function whose frame forms the cycle
        self.name = name  # for locals: the variable (or container) name
        self.seq = seq
        self.in_loop = in_loop
        self.stored = False  # a raised local read from where the exception is stored


_WHAT = {
    EXCEPTION: "the caught exception",
    EXC_INFO: "sys.exc_info()",
    TRACEBACK: "a traceback",
    OUTER_EXCEPTION: "the exception being handled",
    OUTER_EXC_INFO: "sys.exc_info()",
    OUTER_TRACEBACK: "a traceback",
    FRAME: "the current frame",
    OUTER_FRAME: "a caller's frame",
}


def _where(sink: str, target: str) -> str:
    if sink == "class":
        return f"class attribute {target}"
    if sink == "imported":
        return f"module attribute {target}"
    return f"module-level {target}"


def _single_value(store: cst.CSTNode, name: str) -> Optional[cst.BaseExpression]:
    """The value a statement binds to exactly `name` (`name = value`, `name: T = value`,
    `(name := value)`); None for unpacking and anything else."""
    if isinstance(store, cst.Assign):
        if any(isinstance(t.target, cst.Name) and t.target.value == name for t in store.targets):
            return store.value
        return None
    if isinstance(store, (cst.AnnAssign, cst.NamedExpr)):
        target = store.target
        return store.value if isinstance(target, cst.Name) and target.value == name else None
    return None


def _empty(value: cst.BaseExpression) -> bool:
    return isinstance(value, (cst.List, cst.Dict, cst.Tuple, cst.Set)) and not value.elements


def _exc_info_start(value: Optional[cst.BaseExpression]) -> Optional[int]:
    """Which part of `sys.exc_info()` an unpacked value starts at: 0 for the call itself, the
    lower bound of a slice (`sys.exc_info()[1:]`); None for anything else."""
    if isinstance(value, cst.Call):
        return 0
    if isinstance(value, cst.Subscript) and isinstance(value.value, cst.Call) and len(value.slice) == 1:
        element = value.slice[0].slice
        if isinstance(element, cst.Slice) and element.upper is None and element.step is None:
            lower = int_value(element.lower) if element.lower is not None else 0
            return lower if lower is not None and 0 <= lower <= 2 else None
    return None



def _raises(handler: cst.CSTNode) -> bool:
    """The handler's own code (not a nested function's) has a `raise` statement."""
    stack: List[cst.CSTNode] = [handler.body]  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Raise):
            return True
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        stack.extend(children(node))
    return False
