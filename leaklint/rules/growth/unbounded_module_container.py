from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.containers import ContainerDef, ContainerUse, ContainerUses, enclosing_functions, method_of
from ...analysis.expr import first_param, param_names
from ...analysis.import_time import ImportTime
from ...analysis.scopes import Scope
from ...analysis.values import derived_names, from_input, identity_locals, is_identity, loop_targets, object_evidence
from ...policy import in_one_time_function, in_test_code, is_test_path
from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from . import _common as g


@dataclass(frozen=True)
class ContainerOptions:
    all_forms: bool = field(
        default=False,
        metadata={"form": True, "help": "Report every form (memo caches and registries keyed by values, growth in test code), not only containers that keep the objects their callers pass in."},
    )


class UnboundedModuleContainer(Rule):
    """
    ## What it does
    Checks for dicts, lists, sets and other containers defined at module level or as class
    attributes that functions keep adding to while nothing in the module ever removes from
    them or bounds their size.

    ## Why is this bad?
    A module-level container lives as long as its module, and a module lives until the
    interpreter exits: `sys.modules` keeps it. A class attribute lives as long as its class,
    which for a class defined at module level is the same. Every entry added from a function
    (a request handler, a callback, a method) is referenced by the container, so the key, the
    value and everything they reference stay alive for the rest of the process. When the
    function runs once per request, job or message, memory grows without limit: the classic
    "cache" that was never a cache because it never forgets.

    Growth that only happens at import time is not reported: statements at module level or in
    class bodies, `__init_subclass__`, metaclass `__new__` / `__init__`, private helpers that
    are only called from module-level code (or deleted there), decorator-shaped registration
    functions (a function that stores its argument and returns it, a factory of such
    decorators, a decorator that stores something and returns a wrapper), and registration
    functions by name (`register...`, or `add...` / `install...` / `bind...` storing under a
    key that is one of their parameters), which by convention run once per registered thing.
    Neither are containers that something shrinks (`pop`, `popitem`, `popleft`, `remove`,
    `discard`, `clear`, `del`, slice deletion or assignment, re-assignment through `global` or
    a class reference, also through a local alias), containers whose size is compared
    (`len(cache) > N` guarding an eviction or the insert), weak containers,
    `deque(maxlen=...)`, containers whose keys only come from literals or constants (a closed
    set), class attributes that instances replace in a method (`self.items = []`: instance
    state), attributes of classes defined inside functions, and sets of asyncio tasks (LL106).

    Accumulation keyed by the function's parameters (or by data derived from them, `self`
    included), or by object identity (`table[id(obj)] = obj`), is reported with high
    confidence; other accumulation with medium confidence. A container used as a memo cache
    (the same function looks the key up, or stores with `setdefault`) is reported with medium
    confidence and its own message: it grows by one entry per distinct key, which is a leak
    only when the keys are open-ended.

    ## Known problems
    Whether a growing container is a leak depends on how often the growing function runs and
    on how many distinct keys it sees, which the code does not say. Most findings in libraries
    are memo caches over a small domain (a few encodings, the classes of a program, configured
    names) or registries filled once at start-up through a public function. So one form is
    reported by default, the one that separates the leaks projects shipped and fixed from
    those: a process-lived container (module global, or class attribute shared by every
    instance) that keeps **the objects its callers pass in** (`leaklint.analysis.values`: a
    parameter or a value derived from one that the function's code shows to be an object, by
    an annotation that names a non-value class (`file: IO[str]`), a callback parameter
    (`callback`, `on_change`), a call of it or of one of its methods that no str / bytes / int /
    tuple has (`connection.register_script(...)`); the instance itself; anything keyed by
    `id()`), filled outside test code, in code the project's lifetime model does not place
    once per process, in a class it does not show to be made once, and emptied nowhere in the
    project (a removal in another module counts). A registration function (`add_..._hook(fn)`,
    `register(x)`) filling a module-level registry with its argument is left to its callers;
    an instance method filling a class-level holder is not (every instance pins what it
    registers in a holder that outlives it). High confidence where the model shows the code
    or the class repeats, or for an identity key; medium otherwise.

    Measured: on the ecosystem corpus (20 projects and the 3.11 standard library) the default
    form makes no finding (every opt-in finding there is keyed by a value, or sits in a
    registration function, test code or once-per-process code; `idlelib`'s identity-keyed
    debugger tables are skipped because the module imports `unittest` in its `__main__`
    block, which the shared policy counts as test code); on the fresh sample (bench/fresh) it
    keeps rq's two script caches keyed by the Redis connection object (both real); on the
    leak-fix corpus (bench/leakfixes) it finds celery's class-level observer list,
    opentelemetry's class-level set of metric readers and structlog's write locks keyed by
    file object, every fixed version clean. Every other form (memo caches and registries
    keyed by values, growth in test code, reported at medium confidence unless keyed by
    input) needs `all-forms = true` in `[tool.leaklint.unbounded-module-container]`: there
    about 5 of the 73 medium-confidence findings on the same corpus were real (babel's
    pattern cache keyed by format strings, fixed with `lru_cache(maxsize=1024)`, is one).
    Growth through a second name (`cache = _CACHE; cache[k] = v`) is not seen. One finding
    per container, on the statement that adds to it, which is where the leak is fixed; the
    message names the container and what it keeps.

    ## Fix safety
    There is no automatic fix. Bound the container (`functools.lru_cache(maxsize=...)` around
    the computation, `collections.deque(maxlen=...)`, an explicit eviction when `len()` passes
    a limit), key it weakly (`weakref.WeakKeyDictionary` / `WeakValueDictionary`), or move it
    onto the object whose lifetime it should share.

    ## References
    - [Python FAQ: How are global variables handled?](https://docs.python.org/3/faq/programming.html#what-are-the-rules-for-local-and-global-variables-in-python)
    - [weakref](https://docs.python.org/3/library/weakref.html), [collections.deque](https://docs.python.org/3/library/collections.html#collections.deque)
    - [functools.lru_cache](https://docs.python.org/3/library/functools.html#functools.lru_cache)
    - No overlapping rule in ruff, flake8-bugbear or pylint. Related: LL102 (unbounded cache on a
      function), LL104 (a mutable default that grows).
    """

    code = "LL101"
    name = "unbounded-module-container"
    message = "module-level {kind} {name} grows in {site} and nothing removes its entries or bounds its size, so it keeps every entry for the life of the process"
    cache_message = "{kind} {name} is used as a cache in {site} but never evicts, so it keeps one entry per distinct key for the life of the process"
    class_message = "class attribute {name} ({kind}) is shared by every instance, grows in {site}, and nothing removes its entries or bounds its size"
    pin_message = "{kind} {name} keeps {what} that {site} is given ({why}) and nothing removes its entries, so every one ever passed in stays alive for the life of the process"
    confidence = Confidence.HIGH
    default_enabled = True
    Options = ContainerOptions
    triggers = g.CONSTRUCTOR_TRIGGERS
    fix_title = "Bound the container (lru_cache, deque(maxlen=...), evict past a size), key it weakly, or keep it on the owning object"

    VALID = [
        Valid(
            """
            _HANDLERS = {}

            def register(name):
                def decorator(fn):
                    _HANDLERS[name] = fn
                    return fn
                return decorator

            @register("ping")
            def ping():
                return "pong"
            """,
            id="decorator-registry",
        ),
        Valid(
            """
            PLUGINS = []

            def plugin(cls):
                PLUGINS.append(cls)
                return cls

            def register_many(*names):
                PLUGINS.extend(names)
                def deco(fn):
                    return fn
                return deco
            """,
            id="class-decorator-and-decorator-factory",
        ),
        Valid(
            """
            class Base:
                registry = []

                def __init_subclass__(cls, **kwargs):
                    super().__init_subclass__(**kwargs)
                    Base.registry.append(cls)

            class Meta(type):
                classes = {}

                def __new__(mcls, name, bases, ns):
                    cls = super().__new__(mcls, name, bases, ns)
                    mcls.classes[name] = cls
                    return cls
            """,
            id="class-creation-time-registries",
        ),
        Valid(
            """
            _pattern_cache = {}

            def parse_pattern(pattern):
                if pattern in _pattern_cache:
                    return _pattern_cache[pattern]
                _pattern_cache[pattern] = compiled = Pattern(pattern.strip())
                return compiled
            """,
            id="value-keyed-memo-cache-needs-all-forms",
        ),
    ]

    INVALID = [
        Invalid(
            """
            _pattern_cache = {}

            def parse_pattern(pattern):
                if isinstance(pattern, Pattern):
                    return pattern
                if pattern in _pattern_cache:
                    return _pattern_cache[pattern]
                _pattern_cache[pattern] = compiled = Pattern(pattern)  # LL101
                return compiled
            """,
            id="memo-returning-its-argument-early-is-no-decorator",
            confidence=Confidence.MEDIUM,
            message_contains="used as a cache",
            options={"all-forms": True},
        ),
        Invalid(
            """
            _cache = {}

            def handle(request):
                _cache[request.id] = request.body  # LL101
                return len(request.body)
            """,
            id="item-assignment-keyed-by-parameter",
            confidence=Confidence.HIGH,
            message_contains="grows in handle",
            options={"all-forms": True},
        ),
        Invalid(
            """
            import threading
            from typing import IO

            WRITE_LOCKS = {}

            def lock_for(file: IO[str]) -> threading.Lock:
                lock = WRITE_LOCKS.get(file)
                if lock is None:
                    lock = WRITE_LOCKS[file] = threading.Lock()  # LL101
                return lock

            class Observable:
                _observers = []  # one list for every instance

                def bind_to(self, callback):
                    self._observers.append(callback)  # LL101
            """,
            id="keeps-the-objects-callers-pass-in",
            message_contains="stays alive",
        ),
    ]


    requires = (ContainerUses, ImportTime)

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self.containers: ContainerUses = self.fact(ContainerUses)
        self.import_time: ImportTime = self.fact(ImportTime)
        self._test_file = is_test_path(context.path)
        self._object_uses: Dict[int, Dict[str, str]] = {}  # id(function) -> names shown to be objects
        self._derived: Dict[int, Dict[str, Set[str]]] = {}  # memo for `from_input`

    # ------------------------------------------------------------------ judgement
    def _import_time(self, use: ContainerUse) -> bool:
        """Growth in a function that only runs while modules and classes are being defined, or
        in a registration function (which, by convention, runs at import time)."""
        facts = self.import_time
        innermost = next(enclosing_functions(use.scope), None)
        if innermost is not None and innermost.kind == "function":
            node = innermost.node
            if facts.decorator_shaped(node) or facts.wrapper_decorator(node):
                return True
            if isinstance(node, cst.FunctionDef) and _registration_named(node.name.value, use, facts.params(node)):
                return True
        return facts.runs_at_import(use.scope)

    def _bare_parameter(self, use: ContainerUse) -> bool:
        """The stored key or item is a parameter as given (`REG[name] = obj`, `hooks.append(fn)`):
        the shape of a registration API, which callers fill at start-up."""
        data = use.data
        if not isinstance(data, cst.Name):
            return False
        for scope in enclosing_functions(use.scope):
            node = scope.node
            if isinstance(node, (cst.FunctionDef, cst.Lambda)) and data.value in param_names(node.params):
                return True
        return False

    def _from_input(self, expr: Optional[cst.BaseExpression], use: ContainerUse) -> bool:
        return from_input(expr, use.scope, self._derived)

    def leave_Module(self, original_node: cst.Module) -> None:
        containers = self.containers
        if not containers.defs:
            return
        grows: Dict[Tuple, List[ContainerUse]] = {}
        bounded: Set[Tuple] = set()
        instance: Set[Tuple] = set()
        lookups: Set[Tuple[Tuple, int]] = set()  # (key, id(function scope)) that look entries up
        for use in containers.uses:
            key = containers.key_of(use)
            if key is None or key not in containers.defs or use.task:
                continue
            if use.what in ("shrink", "reset", "guard"):
                bounded.add(key)
            elif use.what == "self_assign":
                instance.add(key)
            elif use.what == "lookup":
                lookups.add((key, id(next(enclosing_functions(use.scope), None))))
            else:
                grows.setdefault(key, []).append(use)
        for key, uses in grows.items():
            if key in bounded:
                continue
            d = containers.defs[key]
            real = [
                use for use in uses
                if not use.closed and use.grows(d)
                and not (key in instance and use.ref[0] == "attr" and use.ref[3] == "self")
                and not self._import_time(use)
            ]
            if not real:
                continue
            if not self.options.all_forms:
                self._report_default_form(d, real)
                continue
            memo = [
                u for u in real
                if u.method == "setdefault"
                or u.what == "read_item"
                or (
                    (u.what in ("grow_item", "grow_method") or (u.what == "grow_inner" and u.method == "__setitem__"))
                    and (key, id(next(enclosing_functions(u.scope), None))) in lookups
                )
            ]
            memo_ids = {id(u) for u in memo}  # by identity: `u not in memo` was uses x memo deep comparisons
            accumulate = [u for u in real if id(u) not in memo_ids]
            high = [
                u for u in accumulate
                if is_identity(u.data) or _stores_self(u) or (self._from_input(u.data, u) and not self._bare_parameter(u))
            ]
            site_use = (high or accumulate or memo)[0]
            site = site_use.scope.qualname or "a lambda"
            confidence = Confidence.HIGH if high and not self._test_file else Confidence.MEDIUM
            # one finding per container, on the statement that adds to it: that is the leaking
            # site a reader has to change (the definition is named in the message)
            where = site_use.node if site_use.node is not None else d.node
            message = self.cache_message if not accumulate else self.message if d.owner is None else self.class_message
            self.report(where, message=message, confidence=confidence, kind=d.kind, name=d.display, site=site)

    # ------------------------------------------------------------------ the default form
    def _evidence(self, node: Any) -> Dict[str, str]:
        found = self._object_uses.get(id(node))
        if found is None:
            found = self._object_uses[id(node)] = object_evidence(node)
        return found

    def _pinned(self, use: ContainerUse) -> Optional[Tuple[str, str]]:
        """What object of its callers a growth keeps, and the evidence that it is an object and
        not a value (`leaklint.analysis.values`): (what, why), or None."""
        if is_identity(use.data) or (isinstance(use.data, cst.Name) and use.data.value in identity_locals(use.scope)):
            return "every object", "keyed by id()"
        if _stores_self(use):
            return "every instance", "each one adds itself"
        names: List[cst.BaseExpression] = []
        for data in (use.data, use.value):
            if data is None or not self._from_input(data, use):
                continue  # made from code, not from what callers pass in
            names.extend([data] if isinstance(data, cst.Name) else [e.value for e in data.elements] if isinstance(data, cst.Tuple) else [])
        for name in names:
            if not isinstance(name, cst.Name) or name.value in ("self", "cls"):
                continue
            for scope in enclosing_functions(use.scope):
                node = scope.node
                if not isinstance(node, (cst.FunctionDef, cst.Lambda)):
                    continue
                if name.value in param_names(node.params) or name.value in loop_targets(scope):
                    # what the caller handed in, or an element of it: not something the
                    # function made or looked up in a table of its own
                    why = self._evidence(node).get(name.value)
                    if why is not None:
                        return f"every {name.value}", why
                    break
                if name.value in self._derived_in(scope):
                    break  # a local the function computed: made by code
        return None

    def _derived_in(self, scope: Scope) -> Dict[str, Set[str]]:
        found = self._derived.get(id(scope))
        if found is None:
            found = self._derived[id(scope)] = derived_names(scope)
        return found

    def _report_default_form(self, d: ContainerDef, uses: List[ContainerUse]) -> None:
        """The form reported by default: a process-lived container (module global or class
        attribute) that keeps the objects callers pass in (`leaklint.analysis.values`: a
        connection, a file, a callback, the instance itself, anything keyed by `id()`), filled
        outside test code, in code the project's lifetime model does not place once per process,
        and emptied nowhere in the project. A value-keyed memo cache or registry (strings,
        numbers, types: usually a closed set) needs `all-forms`."""
        ctx = self.context
        project = ctx.project
        module = ctx.module
        prefix = f"{module}." if module else ""
        if project is not None and project.removed_anywhere(prefix + d.display):
            return
        instances = "unknown"
        if d.owner is not None and project is not None:
            instances = project.class_multiplicity(prefix + d.class_name).value
            if instances == "once":
                return  # a class made once: its attribute is one more global
        for use in uses:
            if in_test_code(ctx, use.scope):
                continue
            if d.owner is None or use.ref[0] != "attr" or use.ref[3] != "self":
                # a process-wide registry filled by a function whose name says it registers
                # (`add_reload_hook(fn)`, `register(x)`): its callers decide, usually once at
                # start-up. Not so an instance method filling a class-level holder: every
                # instance that registers pins what it registers in a holder that outlives it
                if in_one_time_function(ctx, use.scope) and self._bare_parameter(use):
                    continue
            pinned = self._pinned(use)
            if pinned is None:
                continue
            runs = project.scope_multiplicity(module, use.scope.qualname).value if project is not None else "unknown"
            if runs == "once":
                continue
            confidence = Confidence.HIGH if "repeated" in (runs, instances) or pinned[1] == "keyed by id()" else Confidence.MEDIUM
            kind = d.kind if d.owner is None else f"class-level {d.kind}"
            self.report(
                use.node if use.node is not None else d.node, message=self.pin_message, confidence=confidence,
                kind=kind, name=d.display, what=pinned[0], why=pinned[1], site=use.scope.qualname or "a lambda",
            )
            return  # one finding per container


REGISTRATION_PREFIXES = ("add", "install", "bind", "define", "declare", "alias")


def _registration_named(name: str, use: ContainerUse, params: Set[str]) -> bool:
    """`register_x(...)` stores what it is given; `add_x(key, ...)` / `install_x(key, ...)`
    storing under a key that is one of its parameters is a registry too. Registries are filled
    at import time by convention (codecs, charsets, log levels, browsers, DOM implementations)."""
    plain = name.lstrip("_").lower()
    if plain.startswith("register") or plain.endswith("register"):
        return True
    if not plain.startswith(REGISTRATION_PREFIXES):
        return False
    keyed = use.what == "grow_item" or use.method == "setdefault"
    return keyed and isinstance(use.data, cst.Name) and use.data.value in params


def _stores_self(use: ContainerUse) -> bool:
    """`self.instances.append(self)`: every instance pins itself in a class-level container."""
    data = use.data
    method = method_of(use.scope)
    return (
        isinstance(data, cst.Name)
        and method is not None
        and isinstance(method.node, cst.FunctionDef)
        and first_param(method.node) == data.value
    )
