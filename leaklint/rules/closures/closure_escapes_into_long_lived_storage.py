from __future__ import annotations

from typing import List, Optional, Set

import libcst as cst

from ...analysis.expr import arguments_at, call_method, dotted_name, root_name
from ...knowledge.registries import PROCESS_REGISTRIES, ProcessRegistry
from ...matchers import decorator_expr, string_value
from ...policy import in_one_time_function
from ...types import Confidence, Invalid, Valid
from ._common import (
    Closure,
    StorageRef,
    StorageTracker,
    describe_names,
    stored_values,
)

# methods that register a callback with the object they are called on
REGISTER_VERBS = frozenset(
    {
        "register", "connect", "subscribe", "add_listener", "addListener", "add_handler", "add_callback",
        "add_observer", "add_hook", "listen", "listens_for", "on", "once", "route", "add_event_handler",
    }
)


# on a module (`import sqlite3; sqlite3.connect(...)`) these are factories, not registries
MODULE_FACTORY_VERBS = frozenset({"connect", "on", "once", "listen", "route"})


def _is_register_verb(method: str) -> bool:
    return method in REGISTER_VERBS or method.startswith("register_")


def _registers_on_an_argument(call: cst.Call) -> bool:
    """`event.listen(target, "name", fn)`, `@event.listens_for(engine, "connect")`: a module
    function that registers the callback on the object it is given (the first argument is
    not a literal name), so the callback lives as long as that object."""
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    if not positional:
        return False
    first = positional[0]
    return not isinstance(first, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer, cst.Lambda))


def _named_slot(call: cst.Call) -> bool:
    """`registry.register_error("name", fn)`: a slot per name, replaced by the next call."""
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    return len(positional) >= 2 and string_value(positional[0]) is not None


class ClosureEscapesIntoLongLivedStorage(StorageTracker):
    """
    ## What it does
    Checks for lambdas, nested functions and `functools.partial` objects created in a function
    that capture `self` or the function's locals and are stored where they outlive the call:
    appended to or assigned into a module-level or class-level container, assigned to a module
    global or class attribute, or registered with a process-wide registry (`atexit.register`,
    `signal.signal`, a module-level `hooks.register`, a registration decorator applied to a
    nested def).

    ## Why is this bad?
    A closure keeps every variable it uses alive, through its cells, for as long as the
    closure itself lives; a `functools.partial` keeps its arguments. Stored in a module-level
    list, a class attribute or a process-wide registry, the closure lives as long as the
    process, and so do the request, the instance (`self`) or the buffers it captured. When the
    function runs once per request, per connection or per instance, every call adds one more
    closure and one more set of captured objects that nothing ever frees.

    ## Known problems
    Opt-in (`default_enabled = False`): on the ecosystem corpus (20 PyPI projects + the
    standard library) all 37 findings were false positives. 29 were SQLAlchemy's
    `event.listen(target, ...)` / `@event.listens_for(target, ...)` on an object of the call,
    which store the listener on that target (engine, pool, attribute), not in a process-wide
    registry (no longer reported); the others were registrations made once at import or
    start-up (signal handlers, `atexit`, docutils roles, listeners added on `Mapper` once per
    declared class), which this rule cannot tell from per-request ones.

    Containers that the module shrinks somewhere (`pop`, `remove`, `clear`, `discard`, `del
    X[k]`, rebinding to an empty container), registries the module removes callbacks from
    (`unregister`, `disconnect`, ...), `weakref` containers and `deque(maxlen=...)` are not
    reported; leaklint does not check that the removal runs for every stored closure. A
    module-level function that registers on an object of the call, its first argument
    (`event.listen(pool, "connect", fn)`, `@event.listens_for(self.parent, "load")`), stores
    the callback on that object and is not reported. A
    registration made once at start-up (a `main()` or `setup()` that runs once) is a true
    finding with no real cost: suppress it there. Single slots that the next call replaces
    (`signal.signal`, `sys.settrace`, a module global, a class attribute) keep only the last
    closure and are reported with medium confidence. Closures that capture nothing but
    module-level names are never reported.

    To stay quiet on code that registers on purpose or once, these are not reported either:
    closures made in a function whose name says it runs once or registers by design (`test*`,
    `setUp`, `setup*`, `main`, `init_*`, `configure*`, and names containing `register`,
    `install`, `hook`, `patch`, `enable`); monkeypatching that the module undoes (the
    original is saved, restored by a second assignment or `setattr`, or handed to a cleanup);
    `signal.signal` / `sys.settrace`-style slots whose previous value is kept or that are
    set again with something else; module functions that register on the object they are
    given (`event.listen(engine, "connect", fn)`); `connect` / `on` / `route` called on an
    imported module (`sqlite3.connect(...)` is a factory); a class attribute holding a closure
    that captures only that class.

    A closure over `self` stored in long-lived storage is reported here and not by the
    registration rules (LL201 / LL202): one site, one finding.

    ## Fix safety
    There is no automatic fix. Capture less (pass the few values the callback needs, or a
    `weakref.ref(self)`), store the closure on the object whose life it should share, use a
    `weakref.WeakSet` / `WeakValueDictionary` / `weakref.WeakMethod`, or remove it again
    (`unregister`, `remove`) when the work it belongs to is done.

    ## References
    - [Python reference: naming and binding (closures)](https://docs.python.org/3/reference/executionmodel.html#naming-and-binding)
    - [functools.partial](https://docs.python.org/3/library/functools.html#functools.partial)
    - [atexit.unregister](https://docs.python.org/3/library/atexit.html#atexit.unregister), [weakref](https://docs.python.org/3/library/weakref.html)
    - No peer linter checks this; related leaklint rules: LL201 / LL202 (instances and bound
      methods registered), LL306 (closures in loops).
    """

    code = "LL301"
    name = "closure-escapes-into-long-lived-storage"
    message = "{what} capturing {captured} is {how} {where}, which outlives the call and keeps them alive"
    slot_message = "{what} capturing {captured} is {how} {where}, which outlives the call and keeps them alive until it is replaced"
    confidence = Confidence.HIGH
    default_enabled = False
    triggers = ("lambda", "def ", "partial")
    fix_title = "Capture less (or a weakref), store the closure on the object it belongs to, or remove it when done"

    VALID = [
        Valid(
            """
            def handle(request):
                key = lambda item: item.priority + request.boost
                return sorted(request.items, key=key)
            """,
            id="closure-passed-to-sorted",
        ),
        Valid(
            """
            def handle(request):
                return list(map(lambda item: item * request.scale, request.items)), list(filter(lambda i: i > request.low, request.items))
            """,
            id="closure-passed-to-map-and-filter",
        ),
        Valid(
            """
            def make_handler(request):
                def handler():
                    return request.body
                return handler
            """,
            id="closure-returned",
        ),
    ]

    INVALID = [
        Invalid(
            """
            HANDLERS = []

            def handle(request):
                HANDLERS.append(lambda event: request.reply(event))  # LL301
            """,
            id="lambda-appended-to-module-list",
            message_contains="request",
            confidence=Confidence.HIGH,
        ),
        Invalid(
            """
            import functools

            CALLBACKS = {}

            class Session:
                def open(self, key):
                    CALLBACKS[key] = functools.partial(self.on_close, key)  # LL301
            """,
            id="partial-in-module-dict",
            message_contains="self",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._candidates: List[_Candidate] = []
        # slot registries (signal.signal, sys.settrace, ...) the module also calls with
        # something other than a closure, or whose previous value it keeps: restored
        self._restored: Set[str] = set()

    # ------------------------------------------------------------------ sinks
    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        qualified = ctx.call_name(node)
        registry = PROCESS_REGISTRIES.get(qualified or "")
        if registry is not None:
            self._registry_call(node, qualified or "", registry)
            return
        if ctx.function_scope is None:
            return
        receiver, method = call_method(node)
        if receiver is None:
            return
        values = stored_values(node, method)
        if values:
            ref = self.storage_of(receiver)
            if ref is not None and ref.kind not in ("local", "self"):
                for value in values:
                    for closure in self.closures_in(value):
                        self._candidates.append(_Candidate(node, closure, "stored in", ref=ref))
            return
        if _is_register_verb(method):
            ref = self.storage_of(receiver)
            if ref is None or ref.kind not in ("module", "imported", "class"):
                return
            if method in MODULE_FACTORY_VERBS and isinstance(receiver, cst.Name) and receiver.value in self.module_imports:
                return
            if self._registers_on_target(receiver, node):
                return
            where = ""
            if isinstance(receiver, cst.Name) and receiver.value in self.module_imports:
                where = f"{receiver.value}.{method}"
            if _registers_on_an_argument(node):
                return  # `event.listen(engine, "connect", fn)`: kept by engine, not by the module
            for arg in node.args:
                for closure in self.closures_in(arg.value):
                    self._candidates.append(
                        _Candidate(node, closure, "registered with", ref=ref, fixed=where, slot=_named_slot(node), removal=True)
                    )

    def _registers_on_target(self, receiver: cst.BaseExpression, call: cst.Call) -> bool:
        """`event.listen(pool, "connect", fn)`: a module-level function that registers on its first
        argument, an object of this call (a parameter, a local, `self` or one of its attributes),
        stores the callback on that object, which it lives with, not in the module."""
        if not isinstance(receiver, cst.Name):
            return False
        if receiver.value not in self.module_imports:
            ref = self.storage_of(receiver)
            if ref is None or ref.kind != "imported":
                return False
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        if len(positional) < 2 or not isinstance(positional[0], (cst.Name, cst.Attribute)):
            return False
        if any(True for _ in self.closures_in(positional[0])):
            return False
        ref = self.storage_of(positional[0])
        return ref is None or ref.kind in ("local", "self", "selfattr")

    def _registry_call(self, node: cst.Call, qualified: str, registry: ProcessRegistry) -> None:
        closures = [c for v in arguments_at(node, registry.callbacks) for c in self.closures_in(v)]
        if not closures or self.context.function_scope is None:
            if registry.slot:
                self._restored.add(qualified)
            return
        for closure in closures:
            self._candidates.append(
                _Candidate(node, closure, "registered with", fixed=qualified, slot=registry.slot, undo=registry.removal or "")
            )

    def visit_Assign(self, node: cst.Assign) -> None:
        ctx = self.context
        scope = ctx.scope
        if isinstance(node.value, cst.Call):
            qualified = ctx.call_name(node.value)
            if qualified in PROCESS_REGISTRIES and PROCESS_REGISTRIES[qualified].slot:
                self._restored.add(qualified)  # `old = signal.signal(...)`: kept to restore
        if ctx.function_scope is None:
            return
        closures = list(self.closures_in(node.value))
        if not closures:
            return
        for target in node.targets:
            t = target.target
            if isinstance(t, cst.Subscript):
                ref = self.storage_of(t.value)
                if ref is not None and ref.kind not in ("local", "self"):
                    for closure in closures:
                        self._candidates.append(_Candidate(node, closure, "stored in", ref=ref))
            elif isinstance(t, cst.Attribute):
                ref = self.storage_of(t)
                if ref is not None and ref.kind in ("class", "imported"):
                    owner = root_name(t.value) if ref.kind == "class" else None
                    for closure in closures:
                        self._candidates.append(
                            _Candidate(node, closure, "assigned to", ref=ref, slot=True, owner=owner, target=dotted_name(t))
                        )
            elif isinstance(t, cst.Name) and t.value in scope.global_names:
                for closure in closures:
                    self._candidates.append(_Candidate(node, closure, "assigned to", fixed=f"module global {t.value}", slot=True))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.context
        scope = ctx.scope
        if not scope.is_function or not node.decorators:
            return
        closure = Closure("function", node, scope, node.name.value)
        for decorator in node.decorators:
            expr, call = decorator_expr(decorator)
            qualified = ctx.qualified_name(expr)
            registry = PROCESS_REGISTRIES.get(qualified or "")
            if registry is not None:
                self._candidates.append(
                    _Candidate(decorator, closure, "registered with", fixed=qualified or "", slot=registry.slot, undo=registry.removal or "")
                )
                continue
            if isinstance(expr, cst.Attribute) and _is_register_verb(expr.attr.value):
                receiver = expr.value
                if (
                    expr.attr.value in MODULE_FACTORY_VERBS
                    and isinstance(receiver, cst.Name)
                    and receiver.value in self.module_imports
                ):
                    continue
                if call is not None and (
                    self._registers_on_target(receiver, call) or _registers_on_an_argument(call)
                ):
                    continue
                ref = self.storage_of(receiver)
                if ref is not None and ref.kind in ("module", "imported", "class"):
                    slot = call is not None and _named_slot(call)
                    self._candidates.append(
                        _Candidate(decorator, closure, "registered with", ref=ref, fixed=dotted_name(expr), slot=slot, removal=True)
                    )

    # ------------------------------------------------------------------ decide
    def leave_Module(self, original_node: cst.Module) -> None:
        ctx = self.context
        seen = set()
        for cand in self._candidates:
            if id(cand.node) in seen:
                continue
            captured = [n for n in cand.closure.captured(ctx) if n != cand.owner]
            if not captured or not self._outlives(cand):
                continue
            where = cand.fixed
            if cand.ref is not None and not where:
                where = self.long_lived(cand.ref) or ""
            seen.add(id(cand.node))
            self.report(
                cand.node,
                message=self.slot_message if cand.slot else None,
                confidence=Confidence.MEDIUM if cand.slot else Confidence.HIGH,
                what=cand.closure.describe(),
                captured=describe_names(captured),
                how=cand.how,
                where=where,
            )

    def _outlives(self, cand: "_Candidate") -> bool:
        if self.runs_once(cand.closure.scope):
            return False
        if in_one_time_function(self.context, cand.closure.scope):
            return False
        ref = cand.ref
        if ref is not None:
            if self.long_lived(ref) is None:
                return False
            if ref.key in self.shrunk or (cand.removal and ref.key in self.removed_from):
                return False
        if cand.undo and cand.undo in self.called_names:
            return False
        if cand.fixed in self._restored:
            return False
        if cand.target and (self.attr_assignments.get(cand.target, 0) > 1 or cand.target in self.saved_values):
            return False  # monkeypatching that saves and restores the original
        return True


class _Candidate:
    __slots__ = ("node", "closure", "how", "ref", "fixed", "slot", "undo", "removal", "owner", "target")

    def __init__(
        self,
        node: cst.CSTNode,
        closure: Closure,
        how: str,
        ref: Optional[StorageRef] = None,
        fixed: str = "",
        slot: bool = False,
        undo: str = "",
        removal: bool = False,
        owner: Optional[str] = None,
        target: str = "",
    ) -> None:
        self.node = node
        self.closure = closure
        self.how = how  # "stored in" | "registered with" | "assigned to"
        self.ref = ref  # the container / registry, when it has to be judged at the end
        self.fixed = fixed  # a description known at once (a process-wide registry, a global)
        self.slot = slot  # the next call replaces it: only the last one is kept
        self.undo = undo  # the function that removes it again (atexit.unregister)
        self.removal = removal  # exempt when the module removes callbacks from the same registry
        self.owner = owner  # a class ref the closure may capture without extending its life
        self.target = target  # dotted assignment target (monkeypatching check)
