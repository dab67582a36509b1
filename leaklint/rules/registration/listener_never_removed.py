from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import libcst as cst

from ...analysis.expr import arguments_at, call_arg
from ...knowledge.registries import (
    CALLBACK_KEYWORD,
    CALLBACK_SET,
    CALLBACK_SET_ADD,
    DEFAULT_PAIRS,
    GENERIC_REGISTRATIONS,
    PROCESS_REGISTRIES,
    REGISTRATION_METHOD,
)
from ...matchers import self_name
from ...policy import is_test_path
from ...types import Confidence, Invalid, Valid
from ._pins import CallbackPins, Pin
from ._retention import RegistryRetention, receiver_name
from ._common import (
    RegistrationRule,
    ClassFacts,
    enclosing_method,
    is_capwords,
    outermost_function,
)

BASE_TRIGGERS: Tuple[str, ...] = (
    "atexit", "register_at_fork", "register_after_fork", "addaudithook", "codecs", "callbacks",
    "signal", "settrace", "setprofile", "finalize", "on_", "listeners", "handlers", "observers",
    "subscribers", "hooks",
)


@dataclass(frozen=True)
class ListenerOptions:
    pairs: Tuple[Tuple[str, str], ...] = field(
        default=DEFAULT_PAIRS,
        metadata={"help": "Registration / removal method pairs, as `[\"register\", \"remove\"]` lists. Replaces the defaults."},
    )
    extend_pairs: Tuple[Tuple[str, str], ...] = field(
        default=(),
        metadata={"help": "More registration / removal pairs, added to `pairs` (e.g. `[[\"attach\", \"detach\"]]`)."},
    )
    all_forms: bool = field(
        default=False,
        metadata={"form": True, "help": "Report every form (subscriptions on shared objects, one-slot handlers, test code), not only an instance pinned in a process-wide registry."},
    )


class _Registration:
    __slots__ = ("node", "call", "pins", "kind", "removal", "receiver", "owner", "cls", "qualname")

    def __init__(self, node, call, pins, kind, removal, receiver=None, owner=None, cls=None) -> None:
        self.node = node
        self.call = call  # text for the message
        self.pins: List[Pin] = pins
        self.kind = kind  # "pair" | "set" | "global" | "slot" | "finalize"
        self.removal = removal  # removal method / qualified name
        self.receiver = receiver  # normalized receiver name (pairs / sets), None if unknown
        self.owner = owner  # "shared", or "self.<attr>": decided at the end from what self.<attr> holds
        self.cls: Optional[ClassFacts] = cls
        self.qualname = ""  # the enclosing function ("C.__init__"), for the lifetime model


class ListenerNeverRemoved(RegistrationRule):
    """
    ## What it does
    Checks for callbacks that pin an object (a bound method of `self`, `self` itself, a lambda,
    nested function or `functools.partial` over `self` or the function's locals) registered
    from a function or method on a registry that outlives it, when the module never makes the
    matching removal call: `bus.subscribe(self.on_event)` with no `unsubscribe`,
    `loop.add_reader(fd, self._read)` with no `remove_reader`, `app.listeners.add(cb)` with no
    `discard`. Process-wide registries are reported whenever the callback pins something:
    `atexit.register(self.close)` (unless the module calls `atexit.unregister`),
    `signal.signal(sig, self.handle)`, `os.register_at_fork(...)`, `sys.addaudithook`,
    `codecs.register`, `gc.callbacks`, `sys.settrace` / `threading.settrace` / `setprofile`,
    and `weakref.finalize(self, self.cleanup)`, whose callback holds the very object it watches.

    ## Why is this bad?
    A registry holds its callbacks strongly, and a bound method holds its instance (a closure
    holds every variable it uses). So the subscriber, and everything it owns, lives as long as
    the registry: an application-wide bus, an event loop, a module-level signal, the process
    itself for `atexit`. One subscriber per request or per widget that never unsubscribes is one
    more object kept alive per request, and its callback still runs on every event.
    `weakref.finalize(obj, obj.close)` is worse: the finalizer registry keeps the callback,
    the callback keeps `obj`, so `obj` never becomes unreachable and the finalizer only runs
    at interpreter exit.

    Not reported: registrations at module top level (they run once); weak registries
    (`blinker` and Django / Flask signals connect weakly unless `weak=False`; any call passing
    `weak=True`; `weakref.WeakMethod` / `weakref.ref` callbacks); registries the object owns
    (`self.button.clicked.connect(self.on_click)` where `self.button = Button()`, the object's
    own signals, `self.loop = asyncio.new_event_loop()`, a registry created in the same
    function or bound by `with`), since those die with it; a callback received as a parameter
    and passed on unchanged (the caller owns that choice); `add_done_callback` on anything but
    a module-level future (a future releases its callbacks once done); `io_loop.add_callback`
    (a one-shot "call soon", not a subscription); Tk event bindings without `add="+"` (a
    binding replaces the previous one for its sequence and dies with the widget); and `self`
    handed to the generic verbs `register` / `bind` / `connect` (`blueprint.register(self)` is
    a hand-over, not a subscription); and registrations inside a method that exists to
    register the object (`def register(self, emitter)`, `install*`, `attach*`, `setup*`,
    `enable*`...), whose caller decides when and how often it runs. A registration in a single process-wide slot
    (`signal.signal`, `sys.settrace`, `setprofile`) is reported with medium confidence: the
    next call frees the previous callback, so it holds one object, not one per call.

    ## Known problems
    On by default in one form only: the instance itself pinned in a process-wide registry
    (`atexit.register(self.close)`, `os.register_at_fork(after_in_child=self._reinit)`, an
    audit hook, a `weakref.finalize` whose callback holds the watched object), outside test
    code, and not in code that the project's lifetime model (the whole project, see the
    README) places once per process or in a class it sees made only by once-code. Confidence
    is high where the model says the code or the class repeats, medium where it cannot tell
    (and without a project, one file alone). Every other form (subscriptions on shared
    objects, callback sets, one-slot handlers such as `signal.signal`, locals pinned at exit,
    tests) needs `all-forms = true` in `[tool.leaklint.listeners]`. Measured: on the ecosystem corpus the default form made no finding (the 62 files of the 20 projects and the 3.11 stdlib that call `atexit.register`, `register_at_fork`, `addaudithook` or `finalize`, checked without a project, which reports a superset), so its precision there is not yet measured; on the leak-fix corpus (bench/leakfixes, 107 cases) it finds 5 of the 15 registration fixes (ddtrace, gdxpds, kafka-python, two in opentelemetry-sdk), every fixed version clean.

    Before the default form, the rule was off by default, on two measurements. On the ecosystem corpus (20 PyPI projects + the 3.11
    stdlib) all 8 findings were false positives: process-lifetime singletons (gunicorn's
    `Arbiter` signal handlers, a daemon's pidlock released at exit), callbacks on a dispatcher
    owned by the same object (celery's `Heart`), a transport registered on a loop that lives
    as long as the worker, and tests.
    On the standard library, 20 PyPI projects and 36 installed packages
    (about 8,500 files) it made 16 findings, and only about half were real leak risks. Every
    process-wide finding (`atexit`, `weakref.finalize`, audit hooks) was a real pin, among them
    `weakref.finalize(self, self._join)` in a shipped library, but a static rule cannot tell
    how long a registry lives compared with its subscriber: a helper registered on the host it
    lives and dies with, a long-lived object subscribing to short-lived ones, or a signal
    handler installed once per process are reported too. Enable them with `all-forms = true`
    where subscribers are created per request or per object.

    The removal is matched by method name anywhere in the module, whatever the receiver is
    called there (`widget` in one method, `self.initial_widget` in another) and whether or
    not it runs on every path: a removal that exists but is never called is not caught.
    Whether the registry outlives the subscriber is judged from where the receiver comes from
    (a parameter, a module global, what a plain function returned: yes; something the object
    built: no; an attribute the class never assigns: not reported). A helper attached to a
    host object it lives and dies with (`History(text)` binding to its text widget, one
    heartbeat per worker) is reported although it is bounded in practice; suppress those with
    a comment that says why. Pairs are configurable in `[tool.leaklint.listeners]`. Closures
    stored into module or class containers are LL301's, bound methods stored there LL201's:
    one site, one finding.

    ## Fix safety
    There is no automatic fix. Make the matching removal call when the object is done (in
    `close()` / `__exit__`, or with a context manager), register a
    `weakref.WeakMethod(self.method)` if the registry can hold weak callbacks, or pass a
    function that does not reference the object (for `weakref.finalize`, a staticmethod or
    module function taking only the resources to release).

    ## References
    - [atexit.unregister](https://docs.python.org/3/library/atexit.html#atexit.unregister)
    - [weakref.finalize](https://docs.python.org/3/library/weakref.html#weakref.finalize) and
      [WeakMethod](https://docs.python.org/3/library/weakref.html#weakref.WeakMethod)
    - [signal.signal](https://docs.python.org/3/library/signal.html#signal.signal),
      [os.register_at_fork](https://docs.python.org/3/library/os.html#os.register_at_fork)
    - LL201 (instances in class containers), LL301 (closures in long-lived storage), LL303
      (callbacks that capture their own registry). No rule of ruff, flake8-bugbear or pylint
      covers this pattern.
    """

    code = "LL202"
    name = "listener-never-removed"
    message = "{call} registers {callback}, which keeps {pinned} alive, and this module never calls {removal}"
    global_message = "{call} registers {callback} in a process-wide registry, which keeps {pinned} alive until the process exits"
    slot_message = "{call} installs {callback} process-wide, which keeps {pinned} alive until another call replaces it"
    finalize_message = "weakref.finalize is given {callback}, which references the object it watches, so {pinned} is never collected and the finalizer only runs at exit"
    confidence = Confidence.HIGH
    default_enabled = True
    Options = ListenerOptions
    options_section = "listeners"
    triggers = BASE_TRIGGERS + tuple(reg for reg, _ in DEFAULT_PAIRS)
    fix_title = "Make the matching removal call when the object is done, or register a weakref.WeakMethod"

    VALID = [
        Valid(
            """
            class Widget:
                def __init__(self, bus):
                    self.bus = bus
                    bus.subscribe("changed", self.on_changed)

                def on_changed(self, event):
                    pass

                def close(self):
                    self.bus.unsubscribe("changed", self.on_changed)
            """,
            id="removed-in-close",
        ),
        Valid(
            """
            import atexit

            atexit.register(print, "bye")

            def on_change(event):
                pass

            BUS.subscribe("changed", on_change)
            """,
            id="module-top-level-runs-once",
        ),
        Valid(
            """
            import weakref

            class Widget:
                def __init__(self, bus):
                    bus.subscribe("changed", weakref.WeakMethod(self.on_changed))

                def on_changed(self, event):
                    pass
            """,
            id="weak-method-callback",
        ),
    ]

    INVALID = [
        Invalid(
            """
            class Widget:
                def __init__(self, bus):
                    bus.subscribe("changed", self.on_changed)  # LL202

                def on_changed(self, event):
                    pass
            """,
            id="bound-method-subscribe",
            message_contains="never calls unsubscribe",
            options={"all-forms": True},
        ),
        Invalid(
            """
            class Panel:
                def __init__(self, app):
                    self.app = app
                    app.on("resize", lambda e: self.layout())  # LL202
                    app.add_listener(self)  # LL202

                def layout(self):
                    pass
            """,
            id="lambda-and-self-as-listener",
            options={"all-forms": True},
        ),
    ]

    @classmethod
    def active_triggers(cls, options: ListenerOptions) -> Tuple[str, ...]:
        names = [reg for reg, _ in (*options.pairs, *options.extend_pairs)]
        return BASE_TRIGGERS + tuple(dict.fromkeys(names))

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self.pairs: Dict[str, str] = {}
        for reg, rem in (*self.options.pairs, *self.options.extend_pairs):
            self.pairs[reg] = rem
        self.removal_names = set(self.pairs.values()) | {r for rems in CALLBACK_SET_ADD.values() for r in rems}
        self.registrations: List[_Registration] = []
        # removal method name -> normalized receivers it is called / referenced on (None: unknown)
        self.removals: Dict[str, List[Optional[str]]] = {}
        # process-wide calls seen anywhere: qualified name -> [pins anything?]
        self.global_calls: Dict[str, List[bool]] = {}
        self.global_removals = {r.removal for r in PROCESS_REGISTRIES.values() if r.removal is not None}
        self.pins = CallbackPins(context, self.facts)
        self.retention = RegistryRetention(context, self.facts)

    # ------------------------------------------------------------------ traversal
    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = node.attr.value
        if name in self.removal_names:
            self.removals.setdefault(name, []).append(receiver_name(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        qualified = ctx.call_name(node)
        if qualified in self.global_removals:
            self.global_calls.setdefault(qualified, []).append(False)  # type: ignore[arg-type]
            return
        for arg in node.args:
            if isinstance(arg.value, (cst.Attribute, cst.Name)):
                passed = ctx.qualified_name(arg.value)
                if passed in PROCESS_REGISTRIES and PROCESS_REGISTRIES[passed].slot:
                    # `self.addCleanup(signal.signal, sig, old)`: the slot is restored later
                    self.global_calls.setdefault(passed, []).append(False)
        if qualified is not None and qualified in PROCESS_REGISTRIES or qualified == "weakref.finalize":
            self._global_call(node, qualified)  # type: ignore[arg-type]
            return
        if ctx.at_module_level:
            return
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        function = outermost_function(ctx)
        if function is not None and REGISTRATION_METHOD.match(function.name):
            return
        method = func.attr.value
        if method in self.pairs:
            self._pair_call(node, func, method)
        elif method in CALLBACK_SET_ADD and isinstance(func.value, cst.Attribute):
            if CALLBACK_SET.match(func.value.attr.value):
                self._set_call(node, func, method)

    # ------------------------------------------------------------------ registrations
    def _global_call(self, node: cst.Call, qualified: str) -> None:
        ctx = self.context
        if qualified == "weakref.finalize":
            if not ctx.at_module_level:
                self._finalize(node)
            return
        registry = PROCESS_REGISTRIES[qualified]
        pins: List[Pin] = []
        for value in arguments_at(node, registry.callbacks):
            pin = self.pins.pin(value, process_wide=True)
            # "always reported when the callback pins an instance": `self`, or `conn.close`
            if pin is not None and (pin.pinned == "the instance" or pin.callback.startswith("bound method")):
                pins.append(pin)
        self.global_calls.setdefault(qualified, []).append(bool(pins))
        if ctx.at_module_level or not pins:
            return
        self._add(_Registration(node, qualified, pins, "slot" if registry.slot else "global", registry.removal))

    def _finalize(self, node: cst.Call) -> None:
        pins = self.pins.finalize_pins(node)
        if pins:
            self._add(_Registration(node, "weakref.finalize", pins, "finalize", None))

    def _pair_call(self, node: cst.Call, func: cst.Attribute, method: str) -> None:
        if self.retention.weak_or_replacing(node, method):
            return
        receiver = func.value
        selfp = self_name(self.context)
        last = receiver_name(receiver) or ""
        if is_capwords(getattr(receiver, "attr", receiver).value if isinstance(receiver, (cst.Attribute, cst.Name)) else ""):
            # `Base.connect(self, ...)`: an unbound method called on the instance, not a registry
            if any(isinstance(a.value, cst.Name) and a.value.value == selfp for a in node.args):
                return
        if method == "add_callback" and last.endswith("loop"):
            return  # `io_loop.add_callback(cb)` schedules one call, it does not subscribe
        owner = self.retention.owner(receiver, method)
        if owner is None:
            return
        pins = []
        for arg in node.args:
            if arg.keyword is not None and not CALLBACK_KEYWORD.search(arg.keyword.value):
                continue
            if method in GENERIC_REGISTRATIONS and isinstance(arg.value, cst.Name) and arg.value.value == selfp:
                continue
            pin = self.pins.pin(arg.value)
            if pin is not None:
                pins.append(pin)
        if not pins:
            return
        found = enclosing_method(self.context)
        cls = self.facts.class_of(found[0]) if found is not None else None
        self._add(
            _Registration(node, method, pins, "pair", self.pairs[method], last or None, owner, cls)
        )

    def _set_call(self, node: cst.Call, func: cst.Attribute, method: str) -> None:
        container = func.value
        assert isinstance(container, cst.Attribute)
        owner = self.retention.set_owner(container, method)
        if owner is None:
            return
        arg = call_arg(node, 1 if method == "insert" else 0)
        if arg is None:
            return
        pin = self.pins.pin(arg.value)
        if pin is None:
            return
        found = enclosing_method(self.context)
        cls = self.facts.class_of(found[0]) if found is not None else None
        attr = container.attr.value
        self._add(
            _Registration(node, f"{attr}.{method}", [pin], "set", (attr, CALLBACK_SET_ADD[method]), None, owner, cls)
        )

    # ------------------------------------------------------------------ decision
    def _add(self, reg: _Registration) -> None:
        reg.qualname = self.context.scope.qualname if self.context.scope is not None else ""
        self.registrations.append(reg)

    def _default_form(self, reg: _Registration, pin: Pin) -> Optional[Confidence]:
        """The form reported by default, and at what confidence: the instance itself pinned in
        a process-wide registry (`atexit`, `os.register_at_fork`, an audit hook, a
        `weakref.finalize` whose callback holds it), outside test code, in code the project's
        lifetime model does not place once per process. None: not reported by default."""
        if reg.kind not in ("global", "finalize") or pin.pinned != "the instance":
            return None
        if is_test_path(self.context.path):
            return None
        project = self.context.project
        if project is None:
            return Confidence.MEDIUM  # one file alone: how many instances is unknown
        module = self.context.module
        runs = project.scope_multiplicity(module, reg.qualname).value
        owner = reg.qualname.rsplit(".", 1)[0] if "." in reg.qualname else ""
        instances = project.class_multiplicity(f"{module}.{owner}" if module else owner).value if owner else "unknown"
        if runs == "once" or instances == "once":
            return None
        return Confidence.HIGH if "repeated" in (runs, instances) else Confidence.MEDIUM

    def leave_Module(self, original_node: cst.Module) -> None:
        for reg in self.registrations:
            pin = self.pins.resolved(reg.pins)
            if pin is None:
                continue
            if reg.kind in ("global", "slot") and reg.removal is not None and self.global_calls.get(reg.removal):
                continue  # the module unregisters (`atexit.unregister`)
            if not self.options.all_forms:
                confidence = self._default_form(reg, pin)
                if confidence is not None:
                    message = self.finalize_message if reg.kind == "finalize" else self.global_message
                    self.report(reg.node, message=message, confidence=confidence, call=reg.call, callback=pin.callback, pinned=pin.pinned)
                continue
            if reg.kind == "finalize":
                self.report(reg.node, message=self.finalize_message, callback=pin.callback, pinned=pin.pinned)
            elif reg.kind == "global":
                self.report(reg.node, message=self.global_message, call=reg.call, callback=pin.callback, pinned=pin.pinned)
            elif reg.kind == "slot":
                if all(self.global_calls.get(reg.call, [True])):  # another call of the same function resets the slot
                    # one slot: the next call frees the previous callback, so at most one object is held
                    self.report(
                        reg.node, message=self.slot_message, confidence=Confidence.MEDIUM,
                        call=reg.call, callback=pin.callback, pinned=pin.pinned,
                    )
            elif not self.retention.outlives(reg.owner, reg.cls):
                continue
            elif reg.kind == "pair":
                # Any call (or reference: `stack.callback(bus.unsubscribe, ...)`) of the removal
                # method counts, whatever the receiver: the same registry is often reached under
                # another name (`widget` in one method, `self.initial_widget` in another).
                if not self.removals.get(reg.removal):
                    self.report(reg.node, call=reg.call, callback=pin.callback, pinned=pin.pinned, removal=reg.removal)
            else:
                attr, removals = reg.removal
                if not any(_match(attr, r) for name in removals for r in self.removals.get(name, [])):
                    self.report(reg.node, call=reg.call, callback=pin.callback, pinned=pin.pinned, removal=" or ".join(removals))


def _match(attr: str, normalized: Optional[str]) -> bool:
    return normalized is None or normalized == attr.lstrip("_").lower()
