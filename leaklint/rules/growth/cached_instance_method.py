from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...matchers import ENUM_BASES, class_bases, first_param, is_instance_method
from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from . import _common as g


@dataclasses.dataclass(frozen=True)
class CachedMethodOptions:
    include_bounded: bool = dataclasses.field(
        default=False,
        metadata={"form": True, "help": "also report bounded caches (`lru_cache(maxsize=N)`), at medium confidence"},
    )


class CachedInstanceMethod(Rule):
    """
    ## What it does
    Checks for `functools.lru_cache`, `functools.cache` and `async_lru.alru_cache` applied to
    instance methods.

    ## Why is this bad?
    The cache is created once, when the class body runs, and lives as long as the class: for
    most classes, the whole life of the process. Every call stores its arguments as the cache
    key, and the first argument of a method is `self`. So every instance the method is ever
    called on stays referenced by the cache, with everything the instance owns, after the
    program has dropped its last reference to it. With `maxsize=None` (or `functools.cache`)
    nothing is ever evicted; with a bound, up to `maxsize` instances (and the results computed
    for them) are pinned until newer calls push them out.

    ## Known problems
    A class with only a handful of long-lived instances (a per-process service, a database
    dialect, a palette) pays nothing real for the pinned instances; suppress the finding there
    with a comment that says why. Bounded caches are where this happens most: on the standard
    library and a corpus of 20 popular packages, all 27 bounded findings were deliberate caches
    on such long-lived objects (0 of 27 real), against the unbounded ones that grow with every
    instance. So bounded caches (which pin at most `maxsize` instances) are reported only with
    `include-bounded = true`, at medium confidence; ruff / bugbear `B019` report them always.
    With the project's lifetime model (see the README), a class that only once-per-process
    code makes is a singleton and not reported, and a bounded cache is reported by default (at
    medium confidence) on a class the model sees made repeatedly (in a loop, a handler, code
    that repeats), where `maxsize` instances of a short-lived class are pinned at any time,
    and on a class whose instances code that may run more than once makes and drops with its
    frame (`p = Pdb(); p.set_trace(frame)`, `Cls().run()`: never returned, stored or passed
    on), where every call leaves a dead instance only the cache keeps (IPython's
    `Pdb._cachable_skip`, `lru_cache(1024)` keyed by debugger and frame, found this way; B019
    reports it too).
    Without a project, bounded caches need `include-bounded`. Measured on the leak-fix corpus with the model: the bounded `lru_cache(maxsize=128)` on pytest's `PytestPluginManager._getconftestmodules` (a class the model sees made repeatedly) is found by default, its fixed version clean. Precision of the bounded form on the ecosystem corpus: not yet measured on this branch.
    Not reported: methods of `enum.Enum` subclasses (their members live for the life of the
    class anyway) and of recognisable singletons: a class whose metaclass, base or decorator
    is named like `Singleton`, a class whose `__new__` stores the instance on the class, and
    a private class instantiated exactly once, at module level, and nowhere else in the module.
    Also not reported: caches whose `cache_clear()` is called somewhere in the module (their
    owner empties them), functions whose first parameter is `cls` (turned into class methods
    by a wrapper applied later), and bounded caches on value classes (`__eq__` / `__hash__`
    defined, `NamedTuple`, frozen dataclass), where the cache is a memo keyed by value and
    holds at most `maxsize` interchangeable instances.

    ## Fix safety
    There is no automatic fix. Cache per instance instead: `functools.cached_property` for a
    method without arguments, or a dict stored on the instance, or a module-level cached
    function that takes the hashable fields it needs instead of `self`.

    ## References
    - [functools.lru_cache](https://docs.python.org/3/library/functools.html#functools.lru_cache)
    - [Python FAQ: How do I cache method calls?](https://docs.python.org/3/faq/programming.html#how-do-i-cache-method-calls)
    - Overlaps ruff / flake8-bugbear `B019`, pylint `W1518` (`method-cache-max-size-none`).
    """

    code = "LL103"
    name = "cached-instance-method"
    message = "{decorator} on method {method} keeps up to {maxsize} instances alive in a cache that lives as long as the class"
    unbounded_message = "{decorator} on method {method} keeps every instance it is called on alive for the life of the class"
    confidence = Confidence.HIGH
    Options = CachedMethodOptions
    triggers = ("cache",)
    fix_title = "Cache per instance (cached_property or a dict on self), or cache a function that does not take self"
    peer_codes = ("B019", "W1518", "method-cache-max-size-none")

    VALID = [
        Valid(
            """
            import functools

            class Dialect:
                @functools.lru_cache(maxsize=128)
                def columns_query(self, schema):
                    return schema
            """,
            id="bounded-cache-not-reported-by-default",
        ),
        Valid(
            """
            import functools

            @functools.lru_cache(maxsize=None)
            def parse(text):
                return text.split()
            """,
            id="module-level-function",
        ),
        Valid(
            """
            from functools import lru_cache

            class Parser:
                @staticmethod
                @lru_cache(maxsize=None)
                def parse(text):
                    return text.split()

                @classmethod
                @lru_cache
                def for_lang(cls, lang):
                    return cls()
            """,
            id="static-and-class-methods",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import functools

            class Service:
                @functools.lru_cache(maxsize=None)
                def lookup(self, key):  # LL103
                    return key
            """,
            id="lru-cache-maxsize-none",
            confidence=Confidence.HIGH,
            message_contains="every instance",
        ),
        Invalid(
            """
            from functools import cache

            class Service:
                @cache
                def lookup(self, key):  # LL103
                    return key
            """,
            id="cache",
            confidence=Confidence.HIGH,
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._enum_classes: Dict[str, bool] = {}
        self._aliases: g.CacheAliases = {}
        self._singletons: Set[int] = set()
        # (function name node, class node, decorator short name, method, maxsize or None)
        self._found: List[Tuple[cst.Name, cst.ClassDef, str, str, Optional[str], str]] = []
        self._names: Dict[str, int] = {}  # how often each plain name occurs in the module
        self._module_instances: Dict[str, int] = {}  # `x = Cls()` at module level, per class name
        self._cleared: Set[str] = set()  # methods whose cache_clear is referenced
        self._value_classes: Set[int] = set()
        self._value_names: Set[str] = set()  # value classes of this module, by name (for subclasses)

    def visit_Name(self, node: cst.Name) -> None:
        self._names[node.value] = self._names.get(node.value, 0) + 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = class_bases(self.context, node)
        is_enum = any(b in ENUM_BASES or self._enum_classes.get(b, False) for b in bases)
        self._enum_classes[node.name.value] = is_enum
        decorators = [d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator for d in node.decorators]
        named = [b.split(".")[-1] for b in bases] + [_last(d) for d in decorators]
        if any("singleton" in n.lower() for n in named):
            self._singletons.add(id(node))
        if _is_value_class(self.context, node, bases) or any(b in self._value_names for b in bases):
            self._value_classes.add(id(node))
            self._value_names.add(node.name.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        ctx = self.context
        g.note_cache_alias(ctx, node, self._aliases)
        if ctx.scope.kind == "module" and isinstance(node.value, cst.Call) and isinstance(node.value.func, cst.Name):
            name = node.value.func.value
            self._module_instances[name] = self._module_instances.get(name, 0) + 1
        # `cls._instance = ...` inside `__new__`: the class keeps its one instance
        scope = ctx.scope
        if scope.kind == "function" and isinstance(scope.node, cst.FunctionDef) and scope.node.name.value == "__new__":
            cls_param = first_param(scope.node)
            parent = scope.parent
            for target in node.targets:
                t = target.target
                if (
                    parent is not None
                    and parent.kind == "class"
                    and isinstance(t, cst.Attribute)
                    and isinstance(t.value, cst.Name)
                    and t.value.value == cls_param
                ):
                    self._singletons.add(id(parent.node))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.context
        if not node.decorators or ctx.scope.kind != "class":
            return
        if not is_instance_method(ctx, node):
            return
        cls = ctx.scope.node
        if not isinstance(cls, cst.ClassDef) or self._enum_classes.get(cls.name.value):
            return
        if first_param(node) in CLASS_PARAM_NAMES:
            return  # `def m(cls)`: made a class method by a wrapper applied later
        found = g.cache_decorator(ctx, node, aliases=self._aliases)
        if found is None:
            return
        method = f"{ctx.scope.name}.{node.name.value}"
        self._found.append((node.name, cls, found[1], method, found[2], ctx.scope.qualname))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # `self.method.cache_clear()` / `Cls.method.cache_clear` anywhere: the cache is emptied
        if node.attr.value == "cache_clear" and isinstance(node.value, cst.Attribute):
            self._cleared.add(node.value.attr.value)

    def leave_Module(self, original_node: cst.Module) -> None:
        project = self.context.project
        for name_node, cls, decorator, method, maxsize, class_qualname in self._found:
            if self._is_singleton(cls) or name_node.value in self._cleared:
                continue
            if maxsize is not None and self._is_value_class(cls):
                continue
            # the project's lifetime model, when the run has one: how many instances the class has
            instances = None
            transient = False
            if project is not None:
                module = self.context.module
                full = f"{module}.{class_qualname}" if module else class_qualname
                instances = project.class_multiplicity(full).value
                # instances made per call and dropped with the frame: the cache pins dead ones
                transient = instances != "once" and project.makes_transient_instances(full)
            if instances == "once":
                continue  # made only by once-per-process code: a singleton pins nothing more
            if maxsize is None:
                self.report(name_node, message=self.unbounded_message, decorator=decorator, method=method)
            elif self.options.include_bounded or instances == "repeated" or transient:
                # bounded: up to maxsize instances pinned, which matters where many are made
                self.report(name_node, confidence=Confidence.MEDIUM, decorator=decorator, method=method, maxsize=maxsize)

    def _is_value_class(self, cls: cst.ClassDef) -> bool:
        return id(cls) in self._value_classes

    def _is_singleton(self, cls: cst.ClassDef) -> bool:
        if id(cls) in self._singletons:
            return True
        name = cls.name.value
        # a private class with one module-level instance and no other mention in the module
        # (its own `class` statement and that call are the only two occurrences of the name)
        return name.startswith("_") and self._module_instances.get(name) == 1 and self._names.get(name) == 2


def _last(expr: cst.BaseExpression) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return ""


CLASS_PARAM_NAMES = frozenset({"cls", "mcs", "mcls", "metacls", "klass"})
VALUE_BASES = frozenset({"typing.NamedTuple", "NamedTuple"})


def _is_value_class(ctx, node: cst.ClassDef, bases) -> bool:
    """Instances compare by value (`__eq__` / `__hash__` defined, a NamedTuple, a frozen
    dataclass): a bounded cache on such a class is a memo keyed by value, and equal
    instances are interchangeable."""
    if any(b in VALUE_BASES or b.split(".")[-1] == "NamedTuple" for b in bases):
        return True
    for decorator in node.decorators:
        expr = decorator.decorator
        if isinstance(expr, cst.Call) and _last(expr.func) == "dataclass":
            for arg in expr.args:
                if arg.keyword is not None and arg.keyword.value == "frozen" and isinstance(arg.value, cst.Name) and arg.value.value == "True":
                    return True
    body = node.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else []
    for statement in statements:
        if isinstance(statement, cst.FunctionDef) and statement.name.value in ("__eq__", "__hash__"):
            return True
    return False
