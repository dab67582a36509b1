from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from . import _common as g
from ...traverse import children


def _name_uses(body: cst.CSTNode, name: str, skip: Optional[cst.CSTNode] = None) -> Tuple[int, int]:
    """(calls, other uses) of the plain name `name` inside `body`, not looking into `skip`.
    Attribute names (`x.name`) and keyword names are not uses."""
    calls = others = 0
    stack: List[cst.CSTNode] = [body]
    call_funcs: Set[int] = set()
    while stack:
        node = stack.pop()
        if node is skip:
            continue
        if isinstance(node, cst.Name):
            if node.value == name:
                if id(node) in call_funcs:
                    calls += 1
                else:
                    others += 1
            continue
        if isinstance(node, cst.Call):
            call_funcs.add(id(node.func))
            stack.append(node.func)
            stack.extend(a.value for a in node.args)
            continue
        if isinstance(node, cst.Attribute):
            stack.append(node.value)
            continue
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            # the definition's own name is a binding, not a use
            stack.extend(c for c in children(node) if c is not node.name)
            continue
        if isinstance(node, cst.Param):
            if node.default is not None:
                stack.append(node.default)
            continue
        stack.extend(children(node))
    return calls, others


class CachePerCall(Rule):
    """
    ## What it does
    Checks for `functools.lru_cache`, `functools.cache` and `async_lru.alru_cache` applied to
    a function defined inside another function or method.

    ## Why is this bad?
    The decorator runs every time the `def` statement runs, that is on every call of the
    outer function: each call builds a new, empty cache. Nothing is ever reused across calls,
    and each cache keeps the arguments and results it saw for as long as its function lives.
    When the cached function calls itself (a memoized recursion, the usual reason for this
    pattern), the function, its closure cell and the cache form a reference cycle: the whole
    cache, with every argument and result in it, outlives the call and is freed only when the
    cyclic garbage collector runs, so memory climbs with every call in between. When the
    cached function escapes (returned, stored, handed to a callback), every copy carries its
    own cache for as long as it is kept.

    Only recursive and escaping cached functions are reported. A cached function that is only
    called locally, without recursion, keeps nothing past the outer call (its cache is freed
    when the call returns): that is a wasted cache, not a leak, and is not reported.

    ## Known problems
    Opt-in (`default_enabled = False`). It made no finding on the ecosystem corpus (20 PyPI
    projects + the 3.11 standard library); on large installed packages (torch, matplotlib,
    IPython, botocore, pip, setuptools, docker, flask, Pillow: 3,779 files) all 11 of its
    findings were deliberate: a cache made per object on purpose and stored on it (torch's
    `simplify_indexing`, "define this in a closure to make cache local to object"), a cache
    per renderer kept in a weak dictionary (matplotlib's `_get_text_metrics_function`),
    decorators and class factories applied a handful of times at import (matplotlib's
    `_make_class_factory`, `caching_module_getattr`, torch's `init_once_fakemode`), and
    botocore's weak-reference `lru_cache` wrapper. The rule does not tell a cache that lives
    with an object or runs once from one made per request, so it stays opt-in until it does.

    An outer function that runs once (a `main()`, a set-up step) pays for one cache only;
    suppress the finding there.

    ## Fix safety
    There is no automatic fix. Move the cached function to module level and pass what it
    closed over as (hashable) arguments, or use a plain dict that lives in the outer call's
    frame for a memoized recursion (`memo = {}` with an explicit loop or a helper taking
    `memo`), so nothing refers back to the function.

    ## References
    - [functools.lru_cache](https://docs.python.org/3/library/functools.html#functools.lru_cache)
    - [gc: the cyclic garbage collector](https://docs.python.org/3/library/gc.html)
    - lrucheck `LRU003`. Related: LL103 (cache on an instance method), LL102 (unbounded
      cache on a function).
    """

    code = "LL105"
    name = "cache-per-call"
    message = "{decorator} on {function}, defined inside {outer}, builds a new cache on every call of {outer}, and the function escapes, so each copy keeps its own cache of arguments and results alive"
    recursive_message = "{decorator} on the recursive {function}, defined inside {outer}, builds a new cache on every call of {outer} and keeps it in a reference cycle, so every argument and result stays alive until the cycle collector runs"
    confidence = Confidence.HIGH
    default_enabled = False
    triggers = ("cache",)
    fix_title = "Move the cached function to module level (or memoize in a dict owned by the call)"

    VALID = [
        Valid(
            """
            import functools

            @functools.lru_cache(maxsize=None)
            def fib(n):
                return n if n < 2 else fib(n - 1) + fib(n - 2)

            class Parser:
                @staticmethod
                @functools.lru_cache(maxsize=128)
                def tokens(text):
                    return text.split()
            """,
            id="module-level-and-class-level",
        ),
        Valid(
            """
            def solve(grid):
                memo = {}

                def best(i):
                    if i not in memo:
                        memo[i] = grid[i]
                    return memo[i]
                return best(0)
            """,
            id="dict-memo-without-decorator",
        ),
        Valid(
            """
            from mylib import cache

            def outer():
                @cache
                def inner(x):
                    return x
                return inner(1)
            """,
            id="look-alike-decorator",
        ),
    ]

    INVALID = [
        Invalid(
            """
            from functools import lru_cache

            def min_cost(costs):
                @lru_cache(maxsize=None)
                def dp(i):  # LL105
                    if i >= len(costs):
                        return 0
                    return costs[i] + min(dp(i + 1), dp(i + 2))
                return dp(0)
            """,
            id="recursive-memo",
            confidence=Confidence.HIGH,
            message_contains="reference cycle",
        ),
        Invalid(
            """
            import functools

            class Renderer:
                def make(self, template):
                    @functools.cache
                    def render(name):  # LL105
                        return template.format(name)
                    return render

            def register(app, prefix):
                @functools.lru_cache(maxsize=64)
                def handler(path):  # LL105
                    return prefix + path
                app.add_route(handler)
            """,
            id="escaping",
            confidence=Confidence.HIGH,
            message_contains="escapes",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._aliases: g.CacheAliases = {}
        self._stored_on_attr: Set[int] = set()
        self._local_escapes: Dict[int, bool] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        g.note_cache_alias(self.context, node, self._aliases)
        if any(isinstance(t.target, cst.Attribute) for t in node.targets):
            self._stored_on_attr.add(id(node.value))
        outer = self._outer()
        if (
            outer is not None
            and len(node.targets) == 1
            and isinstance(node.targets[0].target, cst.Name)
            and self._cached_lambda(node.value) is not None
        ):
            # `cached = lru_cache(...)(lambda ...)`: escapes when `cached` is used as a value
            body = outer.body if isinstance(outer, (cst.FunctionDef, cst.Lambda)) else outer
            uses = _name_uses(body, node.targets[0].target.value)[1] - 1
            self._local_escapes[id(node.value)] = uses > 0

    def _outer(self) -> Optional[cst.CSTNode]:
        scope = self.context.scope
        return scope.node if scope.is_function else None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.context
        outer = self._outer()
        if outer is None or not node.decorators:
            return
        found = g.cache_decorator(ctx, node, aliases=self._aliases)
        if found is None:
            return
        inner = node.name.value
        recursive = _name_uses(node.body, inner)[0] > 0
        body = outer.body if isinstance(outer, (cst.FunctionDef, cst.Lambda)) else outer
        escapes = _name_uses(body, inner, skip=node)[1] > 0
        self._report(node.name, found[1], inner, recursive, escapes)

    def visit_Call(self, node: cst.Call) -> None:
        """`lru_cache(...)(lambda ...)` / `cache(local_def)` inside a function."""
        if self._outer() is None or id(node) in self._stored_on_attr:
            return
        short = self._cached_lambda(node)
        if short is None:
            return
        self._report(node, short, "a lambda", False, self._local_escapes.get(id(node), True))

    def _cached_lambda(self, node: cst.BaseExpression) -> Optional[str]:
        """The cache's short name when `node` is `lru_cache(...)(lambda ...)` / `cache(lambda ...)`."""
        if not isinstance(node, cst.Call) or len(node.args) != 1 or not isinstance(node.args[0].value, cst.Lambda):
            return None
        func = node.func
        if isinstance(func, cst.Call):
            func = func.func
        return g.CACHES.get(self.context.qualified_name(func) or "")

    def _report(self, node: cst.CSTNode, decorator: str, function: str, recursive: bool, escapes: bool) -> None:
        scope = self.context.scope
        outer = scope.qualname or "a lambda"
        if recursive:
            self.report(node, message=self.recursive_message, decorator=decorator, function=function, outer=outer)
        elif escapes:
            self.report(node, decorator=decorator, function=function, outer=outer)
        # a cached function only called locally: its cache dies with the call (wasted, not leaked)
