from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import all_params, target_names
from ...analysis.scopes import Scope, function_binding_scope
from ...matchers import first_param
from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from . import _common as g


@dataclass
class _Default:
    param: cst.Param
    name: str
    function: str
    kind: str
    family: str


@dataclass
class _Use:
    name: str  # a plain name, or "self.<attr>" for an attribute of the method's instance
    scope: Scope
    what: str  # grow_method / grow_item / read_item / grow_inner / grow_aug / store
    method: str = ""
    cls: int = 0
    attr: str = ""


MEMO_WORDS = ("cache", "memo")


class MutableDefaultAccumulator(Rule):
    """
    ## What it does
    Checks for mutable default argument values (`[]`, `{}`, `set()`, `dict()`,
    `collections.defaultdict(...)`, `deque()`, ...) that the function grows: appends to, adds to,
    assigns items into, updates or extends in place, or stores on `self` where a method of the
    class grows it.

    ## Why is this bad?
    A default value is evaluated once, when the `def` statement runs, and stored on the
    function object (`function.__defaults__`). Every call that does not pass the argument gets
    that same object. When the function grows it, the additions of every call accumulate in one
    container that lives as long as the function, which for a module-level function or a method
    is the life of the process: results leak from one call into the next, and memory grows with
    every call. Storing the default on `self` spreads the same object over every instance built
    without the argument.

    A default that is only read (iterated, looked up, copied) is not reported, unlike ruff /
    flake8-bugbear `B006` and pylint `W0102`, which report every mutable default.

    ## Known problems
    Measured on the ecosystem corpus (20 projects + the standard library): 1 finding, 0 real (`multiprocessing.managers._SharedMemoryTracker`: one per server process, names removed again), so the rule is opt-in until it shows 90% precision on real code. A default whose entries are removed again anywhere in the module (`remove`, `discard`, `pop`, `clear`, `del d[k]`; that finding's shape) is no longer reported.
    A default used on purpose as a memo, named so (`def fib(n, _memo={})`, `cache={}`), is not
    reported: it is a deliberate cache that never evicts, a leak only when its keys are
    open-ended, the same question as LL102 (off by default for that reason). Defaults of
    functions defined inside other functions are created per outer call and are not
    reported. Growth through another function that the default is passed to is not followed.

    ## Fix safety
    There is no automatic fix. The usual fix is a `None` default and a fresh container inside
    the function (`if items is None: items = []`). Do not apply it blindly to a deliberate memo:
    that changes behaviour (the memo stops remembering); use `functools.lru_cache(maxsize=...)`
    instead.

    ## References
    - [Python tutorial: default argument values](https://docs.python.org/3/tutorial/controlflow.html#default-argument-values)
    - [Python FAQ: Why are default values shared between objects?](https://docs.python.org/3/faq/programming.html#why-are-default-values-shared-between-objects)
    - Overlaps ruff / flake8-bugbear `B006` and pylint `W0102` (`dangerous-default-value`), which
      report every mutable default; CodeQL `py/modification-of-default-value` reports mutated ones.
    """

    code = "LL104"
    default_enabled = False
    name = "mutable-default-accumulator"
    message = "the default {kind} of parameter {param} is created once when {function} is defined, and the function grows it, so every call adds to the same object for the life of the function"
    stored_message = "the default {kind} of parameter {param} of {function} is stored on the instance and grown in {site}, so every instance built without the argument adds to one shared object"
    confidence = Confidence.HIGH
    triggers = g.CONSTRUCTOR_TRIGGERS
    fix_title = "Default to None and create a fresh container inside the function"
    peer_codes = ("B006", "W0102", "dangerous-default-value")

    VALID = [
        Valid(
            """
            def render(template, context={}, skip=[]):
                for name in skip:
                    print(name)
                return template.format(**context) + str(context.get("x"))
            """,
            id="read-only-defaults",
        ),
        Valid(
            """
            def collect(items, out=None):
                if out is None:
                    out = []
                out.append(items)
                return out
            """,
            id="none-default",
        ),
        Valid(
            """
            def normalize(values=[]):
                values = list(values)
                values.append(0)
                return values

            def merge(options={}):
                options = dict(options)
                options["x"] = 1
                return options
            """,
            id="copied-before-growth",
        ),
    ]

    INVALID = [
        Invalid(
            """
            def add_tag(tag, tags=[]):  # LL104
                tags.append(tag)
                return tags
            """,
            id="append-to-default-list",
            confidence=Confidence.HIGH,
        ),
        Invalid(
            """
            import collections

            def walk(node, seen=set()):  # LL104
                seen.add(node)
                for child in node.children:
                    walk(child, seen)

            def index(rows, by_key={}):  # LL104
                for row in rows:
                    by_key[row.key] = row
                return by_key

            def count(words, counts=collections.Counter()):  # LL104
                counts.update(words)
                return counts

            def group(pairs, groups=collections.defaultdict(list)):  # LL104
                for k, v in pairs:
                    groups[k].append(v)
                return groups

            def extend(items, acc=[]):  # LL104
                acc += items
                return acc
            """,
            id="every-growth-form",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._defaults: Dict[Tuple[int, str], _Default] = {}  # (id(function node), param)
        self._uses: List[_Use] = []
        self._rebound: Set[Tuple[int, str]] = set()  # (id(scope), name) assigned in the body
        self._stores: List[Tuple[int, str, str, Scope]] = []  # (class id, attr, param name, scope)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.context
        if ctx.scope.is_function:
            # a def inside a function runs on every outer call: its defaults are per closure
            return
        owner = ctx.scope.qualname
        function = f"{owner}.{node.name.value}" if owner else node.name.value
        for param in all_params(node.params):
            found = g.container_kind(ctx, param.default) if param.default is not None else None
            if found is not None and any(w in param.name.value.lower() for w in MEMO_WORDS):
                continue  # a deliberate memo
            if found is not None:
                d = _Default(param, param.name.value, function, found[0], found[1])
                self._defaults[(id(node), d.name)] = d

    # ------------------------------------------------------------------ uses
    def _ref(self, expr: cst.BaseExpression) -> Optional[Tuple[str, int, str]]:
        if isinstance(expr, cst.Name):
            return (expr.value, 0, "")
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            method = g.method_of(self.context.scope)
            if method is not None and isinstance(method.node, cst.FunctionDef):
                if first_param(method.node) == expr.value.value and "staticmethod" not in g.decorator_short_names(method.node):
                    return ("self." + expr.attr.value, id(method.parent.node), expr.attr.value)  # type: ignore[union-attr]
        return None

    def _use(self, expr: cst.BaseExpression, what: str, method: str = "") -> None:
        ref = self._ref(expr)
        if ref is not None:
            self._uses.append(_Use(ref[0], self.context.scope, what, method, ref[1], ref[2]))

    def visit_Call(self, node: cst.Call) -> None:
        if self.context.function_scope is None:
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in g.ALL_GROW:
            target = func.value
            if isinstance(target, cst.Subscript):
                self._use(target.value, "grow_inner", func.attr.value)
            else:
                self._use(target, "grow_method", func.attr.value)
        elif isinstance(func, cst.Attribute) and func.attr.value in g.SHRINK_METHODS:
            self._use(func.value, "shrink", func.attr.value)  # entries are taken out again
        elif node.args and self.context.qualified_name(func) in g.GROW_FUNCTIONS:
            self._use(node.args[0].value, "grow_func")

    def visit_Del(self, node: cst.Del) -> None:
        if self.context.function_scope is None:
            return
        targets = node.target.elements if isinstance(node.target, (cst.Tuple, cst.List)) else [node.target]
        for target in targets:
            value = target.value if isinstance(target, cst.Element) else target
            if isinstance(value, cst.Subscript):
                self._use(value.value, "shrink", "__delitem__")

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self.context.function_scope is not None:
            self._use(node.value, "read_item")

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.context.function_scope is None:
            return
        for target in node.targets:
            self._assigned(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self.context.function_scope is not None and node.value is not None:
            self._assigned(node.target, node.value)

    def _assigned(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        scope = self.context.scope
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._assigned(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._assigned(target.value, None)
        elif isinstance(target, cst.Name):
            self._rebound.add((id(scope), target.value))
        elif isinstance(target, cst.Subscript):
            if isinstance(target.value, cst.Subscript):
                self._use(target.value.value, "grow_inner")
            if not g.is_slice(target):
                self._use(target.value, "grow_item")
        elif isinstance(target, cst.Attribute) and isinstance(value, cst.Name):
            ref = self._ref(target)
            if ref is not None and ref[1]:
                self._stores.append((ref[1], ref[2], value.value, scope))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if self.context.function_scope is None:
            return
        target = node.target
        if isinstance(target, cst.Subscript):
            self._use(target.value, "grow_item")
        elif isinstance(node.operator, (cst.AddAssign, cst.BitOrAssign)):
            self._use(target, "grow_aug")

    def visit_For(self, node: cst.For) -> None:
        if self.context.function_scope is not None:
            for name in target_names(node.target):
                self._rebound.add((id(self.context.scope), name))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if self.context.function_scope is not None and node.asname is not None:
            for name in target_names(node.asname.name):
                self._rebound.add((id(self.context.scope), name))

    # ------------------------------------------------------------------ decision
    def _default_for(self, name: str, scope: Scope) -> Optional[_Default]:
        """The grown default `name` refers to from `scope`, if any."""
        owner = function_binding_scope(name, scope, class_body=False)
        if owner is None:
            return None
        d = self._defaults.get((id(owner.node), name))
        if d is None or (id(owner), name) in self._rebound:
            return None
        return d

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._defaults:
            return
        reported: Set[int] = set()
        # defaults stored on self: (class id, attr) -> default
        stored: Dict[Tuple[int, str], _Default] = {}
        for cls, attr, name, scope in self._stores:
            d = self._default_for(name, scope)
            if d is not None:
                stored.setdefault((cls, attr), d)
        # a default whose entries some method removes again (`self.names.remove(n)`, `del
        # names[k]`, `pop`): removed elsewhere, the shared default holds what is still in use
        shrunk: Set[int] = set()
        for use in self._uses:
            if use.what != "shrink":
                continue
            d = stored.get((use.cls, use.attr)) if use.cls else self._default_for(use.name, use.scope)
            if d is not None:
                shrunk.add(id(d.param))
        reported.update(shrunk)
        for use in self._uses:
            if use.what == "shrink":
                continue
            if use.cls:
                d = stored.get((use.cls, use.attr))
                if d is None or not _grows(d, use) or id(d.param) in reported:
                    continue
                reported.add(id(d.param))
                site = use.scope.qualname or d.function
                self.report(
                    d.param, message=self.stored_message, confidence=_confidence(d),
                    kind=d.kind, param=d.name, function=d.function, site=site,
                )
                continue
            d = self._default_for(use.name, use.scope)
            if d is None or not _grows(d, use) or id(d.param) in reported:
                continue
            reported.add(id(d.param))
            self.report(d.param, confidence=_confidence(d), kind=d.kind, param=d.name, function=d.function)


def _confidence(d: _Default) -> Confidence:
    return Confidence.HIGH


def _grows(d: _Default, use: _Use) -> bool:
    return g.use_grows(d.family, d.kind, use.what, use.method)
