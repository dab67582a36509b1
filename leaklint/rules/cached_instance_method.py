from __future__ import annotations

from typing import Dict, Optional

import libcst as cst

from ..matchers import ENUM_BASES, call_arg, class_bases, decorator_names, is_instance_method, is_none
from ..rule import Rule
from ..types import Confidence, Invalid, Valid

CACHES = {
    "functools.lru_cache": "lru_cache",
    "functools.cache": "cache",
    "async_lru.alru_cache": "alru_cache",
}
UNBOUNDED_ONLY = {"functools.cache"}


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
    A class with only a handful of long-lived instances (a singleton, a per-process service)
    pays nothing real for the pinned instances; suppress the finding there with a comment that
    says why. Methods of `enum.Enum` subclasses are not reported: their members live for the
    life of the class anyway.

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
    triggers = ("cache",)
    fix_title = "Cache per instance (cached_property or a dict on self), or cache a function that does not take self"

    VALID = [
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
        Valid(
            """
            import enum
            from functools import cache

            class Color(enum.Enum):
                RED = 1
                GREEN = 2

                @cache
                def hex(self):
                    return f"#{self.value:06x}"
            """,
            id="enum-method",
        ),
        Valid(
            """
            from enum import IntEnum
            import functools

            class Base(IntEnum):
                pass

            class Level(Base):
                LOW = 1

                @functools.lru_cache()
                def label(self):
                    return self.name.lower()
            """,
            id="enum-subclass-in-module",
        ),
        Valid(
            """
            from functools import cached_property

            class Report:
                @cached_property
                def total(self):
                    return sum(self.rows)
            """,
            id="cached-property",
        ),
        Valid(
            """
            from functools import lru_cache

            def make_handler():
                @lru_cache(maxsize=None)
                def handle(key):
                    return key
                return handle
            """,
            id="nested-function",
        ),
        Valid(
            """
            from mylib import lru_cache

            class Service:
                @lru_cache
                def lookup(self, key):
                    return key
            """,
            id="look-alike-from-another-module",
        ),
        Valid(
            """
            from functools import lru_cache

            class Service:
                def lru_cache(self, f):
                    return f

            class Other:
                def helper(self):
                    lru_cache = lambda f: f
                    return lru_cache
            """,
            id="no-decorator-just-the-name",
        ),
        Valid(
            """
            import functools

            def lru_cache(fn):
                return fn

            class Service:
                @lru_cache
                def lookup(self, key):
                    return key
            """,
            id="local-shadows-import",
        ),
        Valid(
            """
            from functools import lru_cache

            class Meta(type):
                @lru_cache
                def __new__(mcls, name, bases, ns):
                    return super().__new__(mcls, name, bases, ns)
            """,
            id="implicit-static-new",
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
        Invalid(
            """
            from functools import lru_cache as lc

            class Service:
                @lc(None)
                def lookup(self, key):  # LL103
                    return key
            """,
            id="aliased-import-positional-none",
            confidence=Confidence.HIGH,
        ),
        Invalid(
            """
            import functools as ft

            class Service:
                @ft.lru_cache(maxsize=256)
                def lookup(self, key):  # LL103
                    return key

                @ft.lru_cache
                def other(self, key):  # LL103
                    return key
            """,
            id="bounded-is-medium",
            confidence=Confidence.MEDIUM,
            message_contains="up to",
        ),
        Invalid(
            """
            from functools import lru_cache

            class Service:
                @property
                @lru_cache(maxsize=None)
                def config(self):  # LL103
                    return {}
            """,
            id="property-over-cache",
        ),
        Invalid(
            """
            from async_lru import alru_cache

            class Client:
                @alru_cache(maxsize=None)
                async def fetch(self, url):  # LL103
                    return url
            """,
            id="alru-cache-async",
        ),
        Invalid(
            """
            from functools import lru_cache

            class Outer:
                class Inner:
                    @lru_cache(maxsize=None)
                    def get(self, key):  # LL103
                        return key
            """,
            id="nested-class",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._enum_classes: Dict[str, bool] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = class_bases(self.context, node)
        is_enum = any(b in ENUM_BASES or self._enum_classes.get(b, False) for b in bases)
        self._enum_classes[node.name.value] = is_enum

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.context
        if not node.decorators or ctx.scope.kind != "class":
            return
        if not is_instance_method(ctx, node):
            return
        cls = ctx.scope.node
        if isinstance(cls, cst.ClassDef) and self._enum_classes.get(cls.name.value):
            return
        for name, decorator, call in decorator_names(ctx, node):
            short = CACHES.get(name)
            if short is None:
                continue
            maxsize = self._maxsize(name, call)
            method = f"{ctx.scope.name}.{node.name.value}"
            if maxsize is None:
                self.report(node.name, message=self.unbounded_message, decorator=short, method=method)
            else:
                self.report(node.name, confidence=Confidence.MEDIUM, decorator=short, method=method, maxsize=maxsize)
            return

    @staticmethod
    def _maxsize(name: str, call: Optional[cst.Call]) -> Optional[str]:
        """The maxsize as text, or None for an unbounded cache."""
        if name in UNBOUNDED_ONLY:
            return None
        if call is None:
            return "128"
        arg = call_arg(call, 0, "maxsize")
        if arg is None:
            return "128"
        if is_none(arg.value):
            return None
        if isinstance(arg.value, cst.Integer):
            return arg.value.value
        return "maxsize"
