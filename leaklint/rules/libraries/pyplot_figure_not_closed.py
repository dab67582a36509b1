from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Set

import libcst as cst

from ...analysis.flow import Escape, TrackedValue, follow_each
from ...analysis.scopes import Scope
from ...matchers import call_arg, is_test_path, method_self
from ...rule import Rule
from ...types import Confidence, Invalid, Valid

PYPLOT = ("matplotlib.pyplot", "pylab", "matplotlib.pylab")
CREATORS = {"figure": "figure", "subplots": "subplots", "subplot_mosaic": "subplot_mosaic"}
STORE_METHODS = frozenset({"append", "add", "insert", "extend", "appendleft", "setdefault", "put", "put_nowait"})
# method calls that take a figure and close it (tensorboard's SummaryWriter.add_figure, close=True)
CLOSING_METHODS = frozenset({"add_figure"})
# builtins that look at an object without keeping it
SAVE_METHODS = frozenset({"savefig", "print_figure", "print_png", "print_jpg", "print_svg", "print_pdf", "print_raw", "print_rgba"})
NON_OWNING = frozenset({"print", "len", "id", "isinstance", "type", "repr", "str", "bool", "hash", "vars", "dir", "getattr", "hasattr", "setattr"})
# where a figure (or what is made from it: its axes, `fig.add_subplot()`) may go for the
# function to have handed it on: returned or yielded, stored in an attribute, a container
FIGURE = dict(releases={}, ends=frozenset({Escape.RETURN, Escape.STORE, Escape.STORE_SELF}), members=True, derived=True)


@dataclass
class _Creation:
    node: cst.Call
    call: str
    scope: Scope
    in_loop: bool


class PyplotFigureNotClosed(Rule):
    """
    ## What it does
    Checks for figures created with `pyplot.figure()`, `pyplot.subplots()` or
    `pyplot.subplot_mosaic()` in a function that saves them (`savefig`) or in a loop, and that
    the function never closes (`plt.close(fig)`, `plt.close()`, `plt.close("all")`), shows,
    returns or hands on.

    ## Why is this bad?
    pyplot is a state machine: every figure it creates is registered in its global figure
    manager (`matplotlib._pylab_helpers.Gcf`) so that `plt.gcf()` and `plt.show()` can find it.
    That registry, not the variable, keeps the figure alive: when the function returns, the
    figure, its axes, artists, data arrays and rendered canvas stay in memory until the figure
    is closed, which for a server, a batch job or a training loop that plots per call is never.
    matplotlib warns after 20 open figures (`figure.max_open_warning`); memory grows with every
    call. Saving the figure (`savefig`) does not release it, and neither does `fig.clf()`.

    ## Known problems
    A function that only draws (no `savefig`, no loop) is taken to leave the figure for its
    caller to show or close, as plotting helpers for notebooks do, and is not reported; in a
    notebook the inline backend closes figures after each cell. Test functions (`test_*`) and
    test modules (`test_*.py`, `conftest.py`, files under `tests/`) are not reported: test
    suites usually close every figure in a fixture (matplotlib's own pytest plugin does). A
    figure reused by number or label (`plt.figure(1)`, `num=...`) is not reported, and neither
    is `plt.subplot()` / `plt.subplot2grid()`, which draw on the current figure instead of
    creating one. Object-oriented figures (`matplotlib.figure.Figure()`) are never registered
    with pyplot and are not reported.

    ## Fix safety
    There is no automatic fix. Close the figure when you are done with it, in a `finally` if
    the code in between can raise: `plt.close(fig)`. Code that only renders to files can create
    `matplotlib.figure.Figure()` directly and skip pyplot altogether.

    ## References
    - [matplotlib.pyplot.close](https://matplotlib.org/stable/api/_as_gen/matplotlib.pyplot.close.html)
    - [figure.max_open_warning](https://matplotlib.org/stable/users/explain/customizing.html)
    - [Embedding in a web application server](https://matplotlib.org/stable/gallery/user_interfaces/web_application_server_sgskip.html)
    """

    code = "LL601"
    name = "pyplot-figure-not-closed"
    message = "plt.{call}() creates a figure that pyplot keeps in its global figure list until it is closed, and {where} never closes it"
    confidence = Confidence.HIGH
    triggers = ("pyplot", "pylab")
    fix_title = "Close the figure when done with it: plt.close(fig)"

    VALID = [
        Valid(
            """
            import matplotlib.pyplot as plt

            def render(data, path):
                fig, ax = plt.subplots()
                ax.plot(data)
                fig.savefig(path)
                plt.close(fig)
            """,
            id="closed-figure",
        ),
        Valid(
            """
            import matplotlib.pyplot as plt

            def render(data, path):
                fig = plt.figure()
                try:
                    plt.plot(data)
                    plt.savefig(path)
                finally:
                    plt.close("all")
            """,
            id="close-all-in-finally",
        ),
        Valid(
            """
            import matplotlib.pyplot as plt

            def histogram(data):
                fig, ax = plt.subplots()
                ax.hist(data)
                return fig, ax

            def scatter(data):
                return plt.figure()

            def lines(data):
                ax = plt.figure().add_subplot()
                ax.plot(data)
                return ax
            """,
            id="figure-returned-to-the-caller",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import matplotlib.pyplot as plt

            def render(data, path):
                fig, ax = plt.subplots()  # LL601
                ax.plot(data)
                fig.savefig(path)
            """,
            id="saved-but-not-closed",
        ),
        Invalid(
            """
            from matplotlib import pyplot

            def report(series, out):
                for name, values in series.items():
                    pyplot.figure(figsize=(4, 3))  # LL601
                    pyplot.plot(values)
                    pyplot.savefig(out / f"{name}.png")
                    pyplot.clf()
            """,
            id="clf-is-not-close",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._test_module = is_test_path(context.path)
        self._creations: List[_Creation] = []
        # per function (or the module's top level): "close", "show", "save" if it (or a
        # function nested in it) closes, shows or saves a figure
        self._does: Dict[int, Set[str]] = {}
        self._owning: Set[int] = set()  # calls that may keep or close what they are given
        self._callnames: Dict[int, str] = {}

    def _mark(self, what: str) -> None:
        scope: Optional[Scope] = self.context.scope
        while scope is not None:
            if scope.is_function or scope.kind == "module":
                self._does.setdefault(id(scope), set()).add(what)
            scope = scope.parent

    def _scope(self) -> Scope:
        scope = self.context.function_scope
        if scope is None:
            assert self.context.module_scope is not None
            return self.context.module_scope
        return scope

    def _pyplot(self, func: cst.BaseExpression) -> Optional[str]:
        name = self.context.qualified_name(func)
        if not name:
            return None
        module, _, attr = name.rpartition(".")
        return attr if module in PYPLOT else None

    # ------------------------------------------------------------------ visitors
    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        qualified = ctx.call_name(node)
        if qualified is not None:
            self._callnames[id(node)] = qualified
        attr = self._pyplot(node.func)
        if attr in ("close", "show"):
            self._mark(attr)
            return
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in SAVE_METHODS:
            self._mark("save")
        if attr in CREATORS:
            if call_arg(node, 0 if attr == "figure" else None, "num") is not None:
                return
            scope = self._scope()
            if scope.kind == "module" and not ctx.in_loop:
                return
            if ctx.scope.kind == "class":
                return
            self._creations.append(_Creation(node, CREATORS[attr], scope, ctx.in_loop))
            return
        # hand-offs: a call that may own the figure (or something derived from it) it is given
        func = node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in STORE_METHODS or method in CLOSING_METHODS or (isinstance(func.value, cst.Name) and func.value.value in ("self", "cls")):
                self._owning.add(id(node))
        elif isinstance(func, cst.Name) and func.value not in NON_OWNING and ctx.qualified_name(func) is None:
            self._owning.add(id(node))  # a function of this module (or an unknown name) may close it

    # ------------------------------------------------------------------ decision
    def leave_Module(self, node: cst.Module) -> None:
        if self._test_module:
            return
        spec = TrackedValue(owns=lambda call: id(call) in self._owning, **FIGURE)
        made = [(c.scope, c.node, c.call) for c in self._creations]
        followed = follow_each(spec, made, self._callnames, lambda scope: method_self(self.context, scope))
        for creation in self._creations:
            does = self._does.get(id(creation.scope), set())
            if does & {"close", "show"}:
                continue
            if not (creation.in_loop or "save" in does):
                continue  # drawn for the caller to show (or close)
            if followed[id(creation.node)].passed_on():
                continue
            if creation.scope.kind != "module" and creation.scope.name.startswith("test"):
                continue
            if creation.scope.kind == "module":
                where = "this loop"
            elif creation.scope.kind == "lambda":
                where = "the lambda"
            else:
                where = f"{creation.scope.name}()"
            self.report(creation.node, call=creation.call, where=where)
