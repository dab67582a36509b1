from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import param_names, target_names
from ...analysis.scopes import Scope, function_binding_scope, resolves_to_module
from ...analysis.values import object_evidence
from ...matchers import ENUM_BASES, class_bases, first_param, is_test_path, names_in
from ...policy import in_one_time_function, in_test_code
from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from . import _common as g

# a reference to a container: ("name", name) | ("attr", class node, attr, via) | ("cattr", class name, attr)
Ref = Tuple


@dataclass
class _Def:
    node: cst.CSTNode
    name: str
    kind: str
    family: str
    owner: Optional[cst.ClassDef] = None
    class_name: str = ""


@dataclass
class _Use:
    ref: Ref
    what: str
    scope: Scope
    method: str = ""
    data: Optional[cst.BaseExpression] = None
    closed: bool = False
    node: Optional[cst.CSTNode] = None  # the reference to the container at this use: where a growth is reported
    value: Optional[cst.BaseExpression] = None  # `table[key] = value`: what an item store keeps beside its key


@dataclass
class _Func:
    node: cst.CSTNode
    params: Set[str]
    returns: Set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ContainerOptions:
    all_forms: bool = field(
        default=False,
        metadata={"form": True, "help": "Report every form (memo caches and registries keyed by values, growth in test code), not only containers that keep the objects their callers pass in."},
    )


METACLASS_BASES = frozenset({"builtins.type", "abc.ABCMeta", "enum.EnumMeta", "enum.EnumType"})
# methods that Python runs once per class definition, not per call
CLASS_CREATION_METHODS = frozenset({"__init_subclass__", "__set_name__"})
METACLASS_CREATION_METHODS = frozenset({"__new__", "__init__", "__prepare__"})


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

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._defs: Dict[Tuple, _Def] = {}
        self._uses: List[_Use] = []
        self._funcs: Dict[int, _Func] = {}  # id(function node) -> facts
        self._nested: Dict[Tuple[int, str], cst.CSTNode] = {}  # (id(outer), name) -> def
        self._classes: Dict[str, cst.ClassDef] = {}  # module-level classes by name
        self._class_info: Dict[int, Tuple[bool, bool, bool]] = {}  # id -> (enum, metaclass, model-like)
        self._enum_names: Set[str] = set()
        self._derived: Dict[int, Dict[str, Set[str]]] = {}  # id(scope) -> local -> names it came from
        self._aliases: Dict[Tuple[int, str], str] = {}  # (id(scope), local) -> name it aliases
        self._call_funcs: Set[int] = set()
        self._skip_names: Set[int] = set()
        self._task_names: Set[Tuple[int, str]] = set()  # locals bound to asyncio tasks
        self._stores: Set[int] = set()  # subscripts that are assignment targets
        self._test_file = is_test_path(context.path)
        # module-level function name -> how it is referenced: "module" (called at import time),
        # "fn:<name>" (called from module-level function <name>), "other"
        self._refs: Dict[str, List[str]] = {}
        self._module_funcs: Set[str] = set()
        self._module_dels: Set[str] = set()
        self._object_uses: Dict[int, Dict[str, str]] = {}  # id(function) -> names shown to be objects
        self._id_locals: Set[Tuple[int, str]] = set()  # (id(scope), local) bound to `id(...)`
        self._loop_targets: Set[Tuple[int, str]] = set()  # (id(scope), local) bound by a `for`

    # ------------------------------------------------------------------ definitions
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.context
        bases = class_bases(ctx, node)
        is_enum = any(b in ENUM_BASES or b in self._enum_names for b in bases)
        if is_enum:
            self._enum_names.add(node.name.value)
        is_meta = any(b in METACLASS_BASES or b.split(".")[-1].endswith("Meta") for b in bases)
        model_like = bool(node.decorators) or any(
            b not in ("builtins.object", "object") and not b.startswith("typing.") for b in bases
        )
        self._class_info[id(node)] = (is_enum, is_meta, model_like)
        if ctx.scope.kind == "module":
            self._classes.setdefault(node.name.value, node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = self.context.scope
        if scope.is_function:
            self._nested[(id(scope.node), node.name.value)] = node
        elif scope.kind == "module":
            self._module_funcs.add(node.name.value)
        self._funcs[id(node)] = _Func(node, set(param_names(node.params)))
        self._skip_names.add(id(node.name))

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) in self._skip_names:
            self._skip_names.discard(id(node))
            return
        if id(node) in self._call_funcs:
            self._call_funcs.discard(id(node))
            if node.value.startswith("__"):
                return
            outer = _module_level_function(self.context.scope)
            if outer is None:
                where = "module" if self.context.at_module_level else "other"
            else:
                where = "fn:" + outer
            self._refs.setdefault(node.value, []).append(where)
        else:
            self._refs.setdefault(node.value, []).append("other")

    def _define(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression], annotated: bool) -> None:
        ctx = self.context
        scope = ctx.scope
        if not isinstance(target, cst.Name) or value is None:
            return
        name = target.value
        if name.startswith("__") and name.endswith("__"):
            return
        found = g.container_kind(ctx, value)
        if scope.kind == "module":
            key: Tuple = ("mod", name)
            if found is not None and key not in self._defs:
                self._defs[key] = _Def(target, name, found[0], found[1])
        elif scope.kind == "class" and isinstance(scope.node, cst.ClassDef) and self.context.at_module_level:
            # a class defined inside a function is created per call: its attributes die with it
            cls = scope.node
            is_enum, _, model_like = self._class_info.get(id(cls), (False, False, False))
            if is_enum or (annotated and model_like):
                return
            key = ("cls", id(cls), name)
            if found is not None and key not in self._defs:
                self._defs[key] = _Def(target, name, found[0], found[1], cls, cls.name.value)

    # ------------------------------------------------------------------ references
    def _ref(self, expr: cst.BaseExpression) -> Optional[Ref]:
        if isinstance(expr, cst.Name):
            return ("name", expr.value)
        if isinstance(expr, cst.Attribute):
            attr = expr.attr.value
            base = expr.value
            if isinstance(base, cst.Name):
                method = g.method_of(self.context.scope)
                if method is not None and isinstance(method.node, cst.FunctionDef):
                    fn = method.node
                    if first_param(fn) == base.value:
                        decos = g.decorator_short_names(fn)
                        cls = method.parent.node  # type: ignore[union-attr]
                        if "staticmethod" in decos:
                            pass
                        elif "classmethod" in decos or fn.name.value in ("__new__", "__init_subclass__"):
                            return ("attr", id(cls), attr, "cls")
                        else:
                            return ("attr", id(cls), attr, "self")
                return ("cattr", base.value, attr)
            if isinstance(base, cst.Attribute) and base.attr.value == "__class__" and isinstance(base.value, cst.Name):
                method = g.method_of(self.context.scope)
                if method is not None and isinstance(method.node, cst.FunctionDef) and first_param(method.node) == base.value.value:
                    return ("attr", id(method.parent.node), attr, "cls")  # type: ignore[union-attr]
            if (
                isinstance(base, cst.Call)
                and isinstance(base.func, cst.Name)
                and base.func.value == "type"
                and len(base.args) == 1
                and isinstance(base.args[0].value, cst.Name)
            ):
                method = g.method_of(self.context.scope)
                if method is not None and isinstance(method.node, cst.FunctionDef) and first_param(method.node) == base.args[0].value.value:
                    return ("attr", id(method.parent.node), attr, "cls")  # type: ignore[union-attr]
        return None

    def _use(
        self,
        expr: cst.BaseExpression,
        what: str,
        method: str = "",
        data: Optional[cst.BaseExpression] = None,
        closed: bool = False,
    ) -> None:
        ref = self._ref(expr)
        if ref is not None:
            self._uses.append(_Use(ref, what, self.context.scope, method, data, closed, expr))

    def _is_task(self, expr: Optional[cst.BaseExpression]) -> bool:
        if isinstance(expr, cst.Name):
            return (id(self.context.scope), expr.value) in self._task_names
        return g.is_task_call(self.context, expr)

    def _in_function(self) -> bool:
        return self.context.function_scope is not None

    # ------------------------------------------------------------------ facts
    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name):
            self._call_funcs.add(id(node.func))
        if not self._in_function():
            return
        func = node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method == "get":
                self._use(func.value, "lookup")
                return
            if method not in g.ALL_GROW:
                return
            target = func.value
            args = [a for a in node.args if a.keyword is None and not a.star]
            data: Optional[cst.BaseExpression] = args[0].value if args else None
            closed = False
            if method in g.KEYED_METHODS:
                closed = g.is_closed_key(data)
            elif method == "update":
                if not node.args:
                    closed = True
                elif all(a.keyword is not None for a in node.args):
                    closed = True
                elif isinstance(data, cst.Dict) and len(node.args) == 1:
                    closed = all(
                        isinstance(e, cst.DictElement) and g.is_closed_key(e.key) for e in data.elements
                    )
            elif method == "insert" and len(args) > 1:
                data = args[1].value
            if method in ("add", "append") and self._is_task(data):
                return  # a task set: LL106's
            if isinstance(target, cst.Subscript):
                # d[k].append(v): the inner container grows inside the outer one
                self._use(target.value, "grow_inner", method, data, closed and method in g.KEYED_METHODS)
            else:
                self._use(target, "grow_method", method, data, closed)
            return
        name = self.context.qualified_name(func)
        if name in g.GROW_FUNCTIONS and node.args:
            data = node.args[1].value if len(node.args) > 1 else None
            self._use(node.args[0].value, "grow_func", name or "", data)
        elif name in g.SHRINK_FUNCTIONS and node.args:
            self._use(node.args[0].value, "shrink")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in g.SHRINK_METHODS and self._in_function():
            value = node.value
            if isinstance(value, cst.Subscript):
                value = value.value
            self._use(value, "shrink")

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if not self._in_function():
            return
        for operand in (node.left, *(c.comparator for c in node.comparisons)):
            if (
                isinstance(operand, cst.Call)
                and len(operand.args) == 1
                and self.context.qualified_name(operand.func) == "builtins.len"
            ):
                self._use(operand.args[0].value, "guard")
        for comparison in node.comparisons:
            if isinstance(comparison.operator, (cst.In, cst.NotIn)):
                container = comparison.comparator
                while isinstance(container, cst.Subscript):
                    container = container.value  # `k in table[alias]`
                self._use(container, "lookup")

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self._in_function():
            key = g.subscript_key(node)
            self._use(node.value, "read_item", data=key, closed=g.is_closed_key(key))
            if id(node) not in self._stores:
                self._use(node.value, "lookup")

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Subscript):
                self._stores.add(id(target.target))
        if self._in_function():
            for target in node.targets:
                self._alias(target.target, node.value)
        for target in node.targets:
            self._assigned(target.target, node.value)
        for target in node.targets:
            self._define(target.target, node.value, annotated=False)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assigned(node.target, node.value)
        self._define(node.target, node.value, annotated=True)

    def _alias(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        scope = self.context.scope
        if isinstance(target, cst.Name) and isinstance(value, cst.Name):
            self._aliases[(id(scope), target.value)] = value.value
        elif isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)):
            if len(target.elements) == len(value.elements):
                for t, v in zip(target.elements, value.elements):
                    self._alias(t.value, v.value)

    def _assigned(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if not self._in_function():
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._assigned(element.value, value)
            return
        if isinstance(target, cst.StarredElement):
            self._assigned(target.value, value)
            return
        if isinstance(target, cst.Subscript):
            if g.is_slice(target):
                self._use(target.value, "reset")
                return
            key = g.subscript_key(target)
            if isinstance(target.value, cst.Subscript):
                self._use(target.value.value, "grow_inner", "__setitem__", value, False)
            self._use(target.value, "grow_item", "__setitem__", key, g.is_closed_key(key))
            if self._uses and self._uses[-1].what == "grow_item":
                self._uses[-1].value = value
            return
        if isinstance(target, cst.Name):
            self._use(target, "reset")
            scope = self.context.scope
            if g.is_task_call(self.context, value):
                self._task_names.add((id(scope), target.value))
            self._derived.setdefault(id(scope), {}).setdefault(target.value, set()).update(names_in(value))
            if _identity_keyed(_Use(("name", target.value), "", scope, data=value)):
                self._id_locals.add((id(scope), target.value))  # `oid = id(obj)`: an identity key
            return
        if isinstance(target, cst.Attribute):
            ref = self._ref(target)
            if ref is not None and ref[0] == "attr" and ref[3] == "self":
                self._uses.append(_Use(ref, "self_assign", self.context.scope))
            elif ref is not None:
                self._uses.append(_Use(ref, "reset", self.context.scope))

    def visit_For(self, node: cst.For) -> None:
        if self._in_function():
            scope = self.context.scope
            derived = self._derived.setdefault(id(scope), {})
            names = set(names_in(node.iter))
            for name in target_names(node.target):
                derived.setdefault(name, set()).update(names)
                self._loop_targets.add((id(scope), name))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.visit_For(node)  # type: ignore[arg-type]

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Subscript):
            self._stores.add(id(node.target))
        if not self._in_function():
            return
        target = node.target
        op = node.operator
        if isinstance(target, cst.Subscript):
            key = g.subscript_key(target)
            if isinstance(op, (cst.AddAssign, cst.BitOrAssign)) and isinstance(target.value, cst.Subscript):
                self._use(target.value.value, "grow_inner", "__iadd__", node.value)
            self._use(target.value, "grow_item", "__setitem__", key, g.is_closed_key(key))
            return
        if isinstance(op, (cst.AddAssign, cst.BitOrAssign)):
            self._use(target, "grow_aug", "__iadd__", node.value)
        elif isinstance(op, (cst.SubtractAssign, cst.BitAndAssign, cst.BitXorAssign)):
            self._use(target, "shrink")

    def visit_Del(self, node: cst.Del) -> None:
        if self._in_function():
            self._deleted(node.target)
        elif self.context.scope.kind == "module":
            targets = node.target.elements if isinstance(node.target, (cst.Tuple, cst.List)) else [node.target]
            for target in targets:
                value = target.value if isinstance(target, cst.Element) else target
                if isinstance(value, cst.Name):
                    self._module_dels.add(value.value)
                    self._skip_names.add(id(value))  # a `del` is not a use
                    self._refs.setdefault(value.value, []).append("del")

    def _deleted(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._deleted(element.value)
        elif isinstance(target, cst.Subscript):
            self._use(target.value, "shrink")
        else:
            self._use(target, "reset")

    def visit_Return(self, node: cst.Return) -> None:
        scope = self.context.function_scope
        if scope is None or node.value is None:
            return
        info = self._funcs.get(id(scope.node))
        if info is not None:
            # a returned expression that is not a plain name is recorded as "" (never a
            # parameter): a function that also returns something it computed is no decorator
            info.returns.add(node.value.value if isinstance(node.value, cst.Name) else "")

    # ------------------------------------------------------------------ decision
    def _registration_shaped(self, node: cst.CSTNode, depth: int = 0) -> bool:
        """Returns one of its parameters (a decorator), or returns a nested def that does (a
        decorator factory)."""
        info = self._funcs.get(id(node))
        if info is None or depth > 3:
            return False
        if info.returns and info.returns <= info.params:
            return True  # every return hands back a parameter as given: `def register(fn): ...; return fn`
        for name in info.returns:
            nested = self._nested.get((id(node), name))
            if nested is not None and self._registration_shaped(nested, depth + 1):
                return True
        return False

    @staticmethod
    def context_function(scope: Optional[Scope]) -> Optional[Scope]:
        while scope is not None and not scope.is_function:
            scope = scope.parent
        return scope

    def _wrapper_decorator(self, node: cst.CSTNode) -> bool:
        """A decorator that returns a wrapper: one positional parameter, returns a nested def.
        Its own body runs once per decorated definition (its wrapper's body is another scope)."""
        info = self._funcs.get(id(node))
        if info is None or not isinstance(node, cst.FunctionDef):
            return False
        params = node.params
        positional = [*params.posonly_params, *params.params]
        if len(positional) != 1 or isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None:
            return False
        return any((id(node), name) in self._nested for name in info.returns)

    def _called_only_at_import(self, name: str, depth: int = 0) -> bool:
        """A module-level function that is only ever called from module-level code (or from
        functions that are), and is private or deleted once the module is set up."""
        if depth > 5 or name not in self._module_funcs:
            return False
        if not (name.startswith("_") or name in self._module_dels):
            return False
        refs = self._refs.get(name, [])
        called = False
        for where in refs:
            if where == "module":
                called = True
            elif where == "del":
                continue
            elif where.startswith("fn:") and where[3:] != name and self._called_only_at_import(where[3:], depth + 1):
                called = True
            else:
                return False
        # a function deleted at module level cannot be called once the module is imported
        return called or name in self._module_dels

    def _import_time(self, use: _Use) -> bool:
        """Growth in a function that only runs while modules and classes are being defined, or
        in a registration function (which, by convention, runs at import time)."""
        innermost = self.context_function(use.scope)
        if innermost is not None and innermost.kind == "function":
            node = innermost.node
            if self._registration_shaped(node) or self._wrapper_decorator(node):
                return True
            if isinstance(node, cst.FunctionDef) and _registration_named(node.name.value, use, self._funcs[id(node)].params):
                return True
        current: Optional[Scope] = use.scope
        while current is not None:
            if current.kind == "function":
                node = current.node
                if current.parent is not None and current.parent.kind == "module" and isinstance(node, cst.FunctionDef):
                    if self._called_only_at_import(node.name.value):
                        return True
                if isinstance(node, cst.FunctionDef) and current.parent is not None and current.parent.kind == "class":
                    name = node.name.value
                    if name in CLASS_CREATION_METHODS:
                        return True
                    cls = current.parent.node
                    if name in METACLASS_CREATION_METHODS and self._class_info.get(id(cls), (False, False, False))[1]:
                        return True
            current = current.parent
        return False

    def _bare_parameter(self, use: _Use) -> bool:
        """The stored key or item is a parameter as given (`REG[name] = obj`, `hooks.append(fn)`):
        the shape of a registration API, which callers fill at start-up."""
        data = use.data
        if not isinstance(data, cst.Name):
            return False
        for scope in g.enclosing_functions(use.scope):
            node = scope.node
            if isinstance(node, (cst.FunctionDef, cst.Lambda)) and data.value in param_names(node.params):
                return True
        return False

    def _keyed_by_input(self, use: _Use) -> bool:
        return self._from_input(use.data, use.scope)

    def _from_input(self, expr: Optional[cst.BaseExpression], scope: Scope) -> bool:
        """`expr` reads a parameter of the functions around `scope` (`self` included), or a
        local computed from one."""
        if expr is None:
            return False
        inputs: Set[str] = set()
        derived: Dict[str, Set[str]] = {}
        for outer in g.enclosing_functions(scope):
            node = outer.node
            if isinstance(node, (cst.FunctionDef, cst.Lambda)):
                inputs.update(param_names(node.params))
            for name, sources in self._derived.get(id(outer), {}).items():
                derived.setdefault(name, set()).update(sources)
        names = set(names_in(expr))
        seen: Set[str] = set()
        for _ in range(4):
            if names & inputs:
                return True
            more: Set[str] = set()
            for name in names - seen:
                more.update(derived.get(name, ()))
            seen |= names
            if not more - seen:
                return False
            names = more - seen
        return False

    def _key_of(self, use: _Use) -> Optional[Tuple]:
        ref = use.ref
        if ref[0] == "name":
            if resolves_to_module(ref[1], use.scope):
                return ("mod", ref[1])
            if use.what == "reset":
                return None  # rebinding the local alias itself
            owner = function_binding_scope(ref[1], use.scope)
            source = self._aliases.get((id(owner), ref[1])) if owner is not None else None
            if source is not None and owner is not None and resolves_to_module(source, owner):
                return ("mod", source)
            return None
        if ref[0] == "attr":
            return ("cls", ref[1], ref[2])
        if ref[0] == "cattr":
            if not resolves_to_module(ref[1], use.scope):
                return None
            cls = self._classes.get(ref[1])
            return ("cls", id(cls), ref[2]) if cls is not None else None
        return None

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._defs:
            return
        grows: Dict[Tuple, List[_Use]] = {}
        bounded: Set[Tuple] = set()
        instance: Set[Tuple] = set()
        lookups: Set[Tuple[Tuple, int]] = set()  # (key, id(function scope)) that look entries up
        for use in self._uses:
            key = self._key_of(use)
            if key is None or key not in self._defs:
                continue
            if use.what in ("shrink", "reset", "guard"):
                bounded.add(key)
            elif use.what == "self_assign":
                instance.add(key)
            elif use.what == "lookup":
                lookups.add((key, id(self.context_function(use.scope))))
            else:
                grows.setdefault(key, []).append(use)
        for key, uses in grows.items():
            if key in bounded:
                continue
            d = self._defs[key]
            real = []
            for use in uses:
                if use.closed or not self._grows(d, use):
                    continue
                if key in instance and use.ref[0] == "attr" and use.ref[3] == "self":
                    continue
                if self._import_time(use):
                    continue
                real.append(use)
            if not real:
                continue
            memo = [
                u for u in real
                if u.method == "setdefault"
                or u.what == "read_item"
                or (
                    (u.what in ("grow_item", "grow_method") or (u.what == "grow_inner" and u.method == "__setitem__"))
                    and (key, id(self.context_function(u.scope))) in lookups
                )
            ]
            memo_ids = {id(u) for u in memo}  # by identity: `u not in memo` was uses x memo deep comparisons
            accumulate = [u for u in real if id(u) not in memo_ids]
            high = [
                u for u in accumulate
                if _identity_keyed(u) or _stores_self(u) or (self._keyed_by_input(u) and not self._bare_parameter(u))
            ]
            if not self.options.all_forms:
                self._report_default_form(key, d, real)
                continue
            site_use = (high or accumulate or memo)[0]
            site = site_use.scope.qualname or "a lambda"
            confidence = Confidence.HIGH if high and not self._test_file else Confidence.MEDIUM
            name = d.name if d.owner is None else f"{d.class_name}.{d.name}"
            # one finding per container, on the statement that adds to it: that is the leaking
            # site a reader has to change (the definition is named in the message)
            where = site_use.node if site_use.node is not None else d.node
            if not accumulate:
                self.report(where, message=self.cache_message, confidence=confidence, kind=d.kind, name=name, site=site)
            elif d.owner is None:
                self.report(where, confidence=confidence, kind=d.kind, name=name, site=site)
            else:
                self.report(where, message=self.class_message, confidence=confidence, kind=d.kind, name=name, site=site)

    # ------------------------------------------------------------------ the default form
    def _evidence(self, node: Any) -> Dict[str, str]:
        found = self._object_uses.get(id(node))
        if found is None:
            found = self._object_uses[id(node)] = object_evidence(node)
        return found

    def _pinned(self, use: _Use) -> Optional[Tuple[str, str]]:
        """What object of its callers a growth keeps, and the evidence that it is an object and
        not a value (`leaklint.analysis.values`): (what, why), or None."""
        if _identity_keyed(use) or (isinstance(use.data, cst.Name) and (id(use.scope), use.data.value) in self._id_locals):
            return "every object", "keyed by id()"
        if _stores_self(use):
            return "every instance", "each one adds itself"
        names: List[cst.BaseExpression] = []
        for data in (use.data, use.value):
            if data is None or not self._from_input(data, use.scope):
                continue  # made from code, not from what callers pass in
            names.extend([data] if isinstance(data, cst.Name) else [e.value for e in data.elements] if isinstance(data, cst.Tuple) else [])
        for name in names:
            if not isinstance(name, cst.Name) or name.value in ("self", "cls"):
                continue
            for scope in g.enclosing_functions(use.scope):
                node = scope.node
                if not isinstance(node, (cst.FunctionDef, cst.Lambda)):
                    continue
                if name.value in param_names(node.params) or (id(scope), name.value) in self._loop_targets:
                    # what the caller handed in, or an element of it: not something the
                    # function made or looked up in a table of its own
                    why = self._evidence(node).get(name.value)
                    if why is not None:
                        return f"every {name.value}", why
                    break
                if name.value in self._derived.get(id(scope), {}):
                    break  # a local the function computed: made by code
        return None

    def _report_default_form(self, key: Tuple, d: _Def, uses: List[_Use]) -> None:
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
        holder = prefix + (d.name if d.owner is None else f"{d.class_name}.{d.name}")
        if project is not None and project.removed_anywhere(holder):
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
            name = d.name if d.owner is None else f"{d.class_name}.{d.name}"
            kind = d.kind if d.owner is None else f"class-level {d.kind}"
            where = use.node if use.node is not None else d.node
            self.report(
                where, message=self.pin_message, confidence=confidence,
                kind=kind, name=name, what=pinned[0], why=pinned[1], site=use.scope.qualname or "a lambda",
            )
            return  # one finding per container

    @staticmethod
    def _grows(d: _Def, use: _Use) -> bool:
        return g.use_grows(d.family, d.kind, use.what, use.method)


def _module_level_function(scope: Optional[Scope]) -> Optional[str]:
    """Name of the module-level function whose body contains `scope`, if any."""
    found = None
    while scope is not None:
        if scope.kind == "function" and scope.parent is not None and scope.parent.kind == "module":
            found = scope.name
        scope = scope.parent
    return found


REGISTRATION_PREFIXES = ("add", "install", "bind", "define", "declare", "alias")


def _registration_named(name: str, use: _Use, params: Set[str]) -> bool:
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


def _identity_keyed(use: _Use) -> bool:
    """`table[id(obj)] = obj`: an identity-keyed table pins the object itself."""
    data = use.data
    return (
        isinstance(data, cst.Call)
        and isinstance(data.func, cst.Name)
        and data.func.value == "id"
    )


def _stores_self(use: _Use) -> bool:
    """`self.instances.append(self)`: every instance pins itself in a class-level container."""
    data = use.data
    method = g.method_of(use.scope)
    return (
        isinstance(data, cst.Name)
        and method is not None
        and isinstance(method.node, cst.FunctionDef)
        and first_param(method.node) == data.value
    )
