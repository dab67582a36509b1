from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import target_names
from ...analysis.scopes import Scope
from ...matchers import call_arg, is_test_path, positional
from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from ...traverse import children

PYPLOT = ("matplotlib.pyplot", "pylab", "matplotlib.pylab")
CREATORS = {"figure": "figure", "subplots": "subplots", "subplot_mosaic": "subplot_mosaic"}
STORE_METHODS = frozenset({"append", "add", "insert", "extend", "appendleft", "setdefault", "put", "put_nowait"})
# method calls that take a figure and close it (tensorboard's SummaryWriter.add_figure, close=True)
CLOSING_METHODS = frozenset({"add_figure"})
# builtins that look at an object without keeping it
SAVE_METHODS = frozenset({"savefig", "print_figure", "print_png", "print_jpg", "print_svg", "print_pdf", "print_raw", "print_rgba"})
NON_OWNING = frozenset({"print", "len", "id", "isinstance", "type", "repr", "str", "bool", "hash", "vars", "dir", "getattr", "hasattr", "setattr"})


@dataclass
class _Creation:
    node: cst.Call
    call: str
    scope: Scope
    in_loop: bool


@dataclass
class _Unit:
    """A function (or the module's top level) and what it does with figures."""

    name: str
    closes: bool = False
    shows: bool = False
    saves: bool = False
    escaped: Set[str] = field(default_factory=set)
    # `ax = fig.add_subplot()`: (new name, name it was derived from)
    derived: List[Tuple[str, str]] = field(default_factory=list)


def _name_reads(node: cst.CSTNode) -> Set[str]:
    out = set()
    stack: List[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            out.add(current.value)
        elif isinstance(current, cst.Attribute):
            stack.append(current.value)
        elif isinstance(current, (cst.Lambda, cst.FunctionDef)):
            continue
        else:
            stack.extend(children(current))
    return out


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
        self._units: Dict[int, _Unit] = {}
        self._handed: Set[int] = set()
        # names each creation call is bound to (the Assign is visited before its value)
        self._names: Dict[int, Set[str]] = {}

    # ------------------------------------------------------------------ units
    def _scope(self) -> Scope:
        scope = self.context.function_scope
        if scope is None:
            assert self.context.module_scope is not None
            return self.context.module_scope
        return scope

    def _unit(self, scope: Optional[Scope] = None) -> _Unit:
        scope = scope or self._scope()
        unit = self._units.get(id(scope))
        if unit is None:
            unit = self._units[id(scope)] = _Unit(scope.name)
        return unit

    def _enclosing_units(self) -> List[_Unit]:
        out = []
        scope: Optional[Scope] = self.context.scope
        while scope is not None:
            if scope.is_function or scope.kind == "module":
                out.append(self._unit(scope))
            scope = scope.parent
        return out

    def _pyplot(self, func: cst.BaseExpression) -> Optional[str]:
        name = self.context.qualified_name(func)
        if not name:
            return None
        module, _, attr = name.rpartition(".")
        return attr if module in PYPLOT else None

    def _creation(self, node: cst.BaseExpression) -> Optional[cst.Call]:
        """The pyplot creation call at the root of `node` (`plt.figure().add_subplot()`)."""
        while True:
            if isinstance(node, cst.Call):
                if self._pyplot(node.func) in CREATORS:
                    return node
                node = node.func
            elif isinstance(node, cst.Attribute):
                node = node.value
            else:
                return None

    # ------------------------------------------------------------------ visitors
    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        attr = self._pyplot(node.func)
        if attr == "close":
            for unit in self._enclosing_units():
                unit.closes = True
            return
        if attr == "show":
            for unit in self._enclosing_units():
                unit.shows = True
            return
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in SAVE_METHODS:
            for unit in self._enclosing_units():
                unit.saves = True
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
        # hand-offs: the figure (or something derived from it) passed to a call that may own it
        func = node.func
        owning = False
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            owning = method in STORE_METHODS or method in CLOSING_METHODS or (
                isinstance(func.value, cst.Name) and func.value.value in ("self", "cls")
            )
        elif isinstance(func, cst.Name):
            # a function of this module (or an unknown name) may close what it is given
            owning = func.value not in NON_OWNING and ctx.qualified_name(func) is None
        if not owning:
            return
        unit = self._unit()
        for value in positional(node):
            created = self._creation(value)
            if created is not None:
                self._handed.add(id(created))
            if isinstance(value, cst.Name):
                unit.escaped.add(value.value)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        created = self._creation(value)
        if isinstance(target, (cst.Attribute, cst.Subscript)):
            if created is not None:
                self._handed.add(id(created))
            elif isinstance(value, cst.Name):
                self._unit().escaped.add(value.value)
            return
        if created is not None:
            self._names.setdefault(id(created), set()).update(target_names(target))
            return
        root = value
        while isinstance(root, (cst.Call, cst.Attribute, cst.Subscript)):
            root = root.func if isinstance(root, cst.Call) else root.value
        if isinstance(root, cst.Name):
            unit = self._unit()
            for name in target_names(target):
                unit.derived.append((name, root.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)

    def _escape(self, value: Optional[cst.BaseExpression]) -> None:
        if value is None:
            return
        unit = self._unit()
        unit.escaped.update(_name_reads(value))
        stack: List[cst.CSTNode] = [value]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.Call):
                created = self._creation(current)
                if created is not None:
                    self._handed.add(id(created))
            stack.extend(children(current))

    def visit_Return(self, node: cst.Return) -> None:
        self._escape(node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.BaseExpression):
            self._escape(node.value)

    # ------------------------------------------------------------------ decision
    def leave_Module(self, node: cst.Module) -> None:
        if self._test_module:
            return
        for creation in self._creations:
            if id(creation.node) in self._handed:
                continue
            unit = self._units.get(id(creation.scope)) or _Unit(creation.scope.name)
            if unit.closes or unit.shows:
                continue
            if not (creation.in_loop or unit.saves):
                continue  # drawn for the caller to show (or close)
            names = set(self._names.get(id(creation.node), set()))
            grew = True
            while grew:
                grew = False
                for new, old in unit.derived:
                    if old in names and new not in names:
                        names.add(new)
                        grew = True
            if names & unit.escaped:
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
