from __future__ import annotations

from typing import List, Set

import libcst as cst

from ...analysis.expr import all_params
from ...matchers import ENUM_BASES, class_bases, is_instance_method
from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from . import _common as g


class UnboundedFunctionCache(Rule):
    """
    ## What it does
    Checks for `functools.cache`, `functools.lru_cache(maxsize=None)` and
    `lru_cache(None)` on module-level functions, static methods and class methods that take at
    least one parameter whose values do not come from a closed set.

    ## Why is this bad?
    An unbounded cache never evicts. It lives on the decorated function, so as long as the
    function (for a module-level function: the process), and it keeps every distinct argument
    tuple it was ever called with and every result it computed. When the arguments come from
    outside (request data, file names, user ids, text), memory grows with every new value.
    A parameter annotated `bool`, `Literal[...]` or an `Enum` of the module is a closed set, and
    a function without parameters caches one result: neither is reported. Instance methods
    are LL103's, functions defined inside functions LL105's.

    ## Known problems
    Most unbounded caches in real code are keyed by a small, fixed set of values that the types
    do not show (a handful of URL configurations, blueprint names, time-zone offsets). The rule
    cannot tell them from caches keyed by open-ended input, so it is off by default: on the
    standard library and a corpus of 20 popular packages, 11 of its 20 findings were caches
    keyed by open-ended input (compiled kernels keyed by user-supplied functions), the other 9
    by small fixed domains. Enable it on a service's own code, where a cache keyed by request
    data is the usual case.

    ## Fix safety
    There is no automatic fix. Give the cache a bound (`lru_cache(maxsize=1024)`), or annotate
    the parameter with its closed type when the domain really is small. ruff `UP033` and
    refurb `FURB134` rewrite `lru_cache(maxsize=None)` to `functools.cache`: same unbounded
    cache, only shorter.

    ## References
    - [functools.cache](https://docs.python.org/3/library/functools.html#functools.cache), [functools.lru_cache](https://docs.python.org/3/library/functools.html#functools.lru_cache)
    - lrucheck `LRU002`. Related: LL103 (cache on an instance method), LL105 (cache per call).
    """

    code = "LL102"
    name = "unbounded-function-cache"
    message = "{decorator} on {function} never evicts, so every distinct argument value it is called with (and its result) stays in memory for the life of the function"
    confidence = Confidence.MEDIUM
    default_enabled = False
    triggers = ("cache",)
    fix_title = "Give the cache a bound, e.g. lru_cache(maxsize=1024)"

    VALID = [
        Valid(
            """
            import functools

            @functools.lru_cache(maxsize=256)
            def parse(text):
                return text.split()

            @functools.lru_cache
            def tokens(text):
                return text.split()
            """,
            id="bounded",
        ),
        Valid(
            """
            from functools import cache

            @cache
            def settings():
                return load()
            """,
            id="no-parameters",
        ),
        Valid(
            """
            import enum
            from functools import cache
            from typing import Literal, Optional

            class Mode(enum.Enum):
                FAST = 1

            @cache
            def strategy(mode: Mode, strict: bool, level: Literal["a", "b"], opt: Optional[bool] = None):
                return (mode, strict, level)
            """,
            id="closed-parameter-types",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import functools

            @functools.lru_cache(maxsize=None)
            def user_profile(user_id):  # LL102
                return fetch(user_id)
            """,
            id="lru-cache-maxsize-none",
        ),
        Invalid(
            """
            from functools import cache, lru_cache as lc

            @cache
            def render(template: str, *args):  # LL102
                return template.format(*args)

            @lc(None)
            def resolve(host, strict: bool):  # LL102
                return host
            """,
            id="cache-and-positional-none",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._aliases: g.CacheAliases = {}
        self._enums: Set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        g.note_cache_alias(self.context, node, self._aliases)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if any(b in ENUM_BASES or b in self._enums for b in class_bases(self.context, node)):
            self._enums.add(node.name.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.context
        if not node.decorators or ctx.scope.is_function:
            return
        if ctx.scope.kind == "class" and is_instance_method(ctx, node):
            return
        found = g.cache_decorator(ctx, node, aliases=self._aliases)
        if found is None or found[2] is not None:
            return
        params: List[cst.Param] = list(all_params(node.params))
        if ctx.scope.kind == "class" and "classmethod" in g.decorator_short_names(node) and params:
            params = params[1:]
        if not params:
            return
        if all(g.closed_annotation(ctx, p.annotation, self._enums) for p in params if p is not node.params.star_kwarg and p is not node.params.star_arg) and not (
            isinstance(node.params.star_arg, cst.Param) or node.params.star_kwarg is not None
        ):
            return
        owner = ctx.scope.qualname
        function = f"{owner}.{node.name.value}" if owner else node.name.value
        self.report(node.name, decorator=found[1], function=function)
