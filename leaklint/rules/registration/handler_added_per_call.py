from __future__ import annotations

import re
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import short_text
from ...analysis.scopes import binding_scope
from ...matchers import call_arg, decorator_names, self_name
from ...policy import in_test_code
from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from ._common import (
    enclosing_method,
    local_values,
    outermost_function,
    param_names,
)
from ._logger_names import is_bounded_name_part

MEMOISERS = frozenset({"functools.cache", "functools.lru_cache"})
ADDERS = {"addHandler": "removeHandler", "addFilter": "removeFilter"}
# a function that configures logging once
ONCE = re.compile(r"^_*(set_?up|configure|config|init_log|main$|cli$)|_logging$|^_*main_", re.IGNORECASE)


class HandlerAddedPerCall(Rule):
    """
    ## What it does
    Checks for `logger.addHandler(...)` / `logger.addFilter(...)` inside `__init__` or any other
    function that can run many times, on a logger obtained by a constant name (so the same
    logger every time), when the module never calls the matching `removeHandler` /
    `removeFilter`.

    ## Why is this bad?
    A logger obtained by name is a process-wide singleton (`logging.Logger.manager` keeps it
    forever), and `addHandler` appends to its list of handlers without checking for
    duplicates. Every call of the function adds one more handler: each keeps its stream or file
    descriptor open (a `FileHandler` holds an open file, a `SocketHandler` a socket), keeps
    whatever it references alive, and every log record is emitted once per handler, so log
    lines are duplicated more with every request or instance.

    Not reported: a function that configures logging once (named like `setup*`, `configure*`,
    `init_logging`, `*_logging`, `main`, or unittest's `setUp`, or memoised with
    `functools.cache` / `lru_cache`), a function that checks the
    logger's handlers first (`if not logger.handlers:`, `logger.hasHandlers()`), calls at
    module level, handlers added to a logger built from a name that is not constant (a fresh
    logger: see LL203), and filters added to a handler created in the same function.

    ## Known problems
    On the ecosystem corpus (20 PyPI projects + the 3.11 stdlib) both findings were false
    positives: a debug helper meant to be called once that returns the handler so the caller
    can remove it (urllib3's `add_stderr_logger`), and test scaffolding started once per
    session. Both shapes are now known and not reported: a handler the function returns is
    the caller's to remove, and test code (a test file, a `testing` package, a test class)
    runs in a short-lived process; neither is code the project's lifetime model places once
    per process. It is opt-in (`default_enabled = False`): with those two known, it has no
    finding left on the ecosystem corpus and none on the leak-fix corpus, so its precision
    on real code is not yet measured.

    A function that is called once in practice but is named like any other (a
    `create_app()` factory) is reported; suppress it with a comment, or rename it to say that it
    configures logging. The matching removal is looked for anywhere in the module, not on the
    same path.

    ## Fix safety
    There is no automatic fix. Configure handlers once, at start-up (`logging.config`, a
    `setup_logging()` called from `main`), or guard the call with `if not logger.handlers:`;
    a handler that must be per call should be removed (and closed) in a `finally` block.

    ## References
    - [Logger.addHandler](https://docs.python.org/3/library/logging.html#logging.Logger.addHandler)
    - [Logging HOWTO: configuring logging for a library](https://docs.python.org/3/howto/logging.html#configuring-logging-for-a-library)
    - LL203 (dynamic logger names), LL401 (resources left open). No rule of ruff,
      flake8-bugbear or pylint covers this pattern.
    """

    code = "LL204"
    name = "handler-added-per-call"
    message = "{call} on logger {logger} in {function}, which can run many times, and this module never calls {removal}: handlers pile up on the shared logger, each holding its stream"
    confidence = Confidence.HIGH
    default_enabled = False
    triggers = ("addHandler", "addFilter")
    fix_title = "Configure handlers once at start-up, or guard with `if not logger.handlers`"

    VALID = [
        Valid(
            """
            import logging

            log = logging.getLogger(__name__)
            log.addHandler(logging.NullHandler())

            def setup_logging(path):
                log.addHandler(logging.FileHandler(path))

            def configure():
                logging.getLogger().addHandler(logging.StreamHandler())

            def main():
                logging.getLogger("app").addHandler(logging.StreamHandler())

            def init_logging():
                logging.getLogger("app").addFilter(logging.Filter("app"))
            """,
            id="module-level-and-setup-functions",
        ),
        Valid(
            """
            import logging

            def get_logger():
                logger = logging.getLogger("app")
                if not logger.handlers:
                    logger.addHandler(logging.StreamHandler())
                return logger

            def get_other():
                logger = logging.getLogger("other")
                if logger.hasHandlers():
                    return logger
                logger.addHandler(logging.StreamHandler())
                return logger
            """,
            id="guarded-by-handlers-check",
        ),
        Valid(
            """
            import logging

            log = logging.getLogger(__name__)

            def run_job(path):
                handler = logging.FileHandler(path)
                log.addHandler(handler)
                try:
                    pass
                finally:
                    log.removeHandler(handler)
                    handler.close()
            """,
            id="removed-in-finally",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import logging

            class Job:
                def __init__(self, path):
                    self.log = logging.getLogger("jobs")
                    self.log.addHandler(logging.FileHandler(path))  # LL204
            """,
            id="init-adds-file-handler",
        ),
        Invalid(
            """
            import logging

            log = logging.getLogger(__name__)

            def handle(request):
                log.addHandler(logging.StreamHandler())  # LL204
                log.addFilter(RequestFilter(request))  # LL204
                log.info("handled")
            """,
            id="module-logger-per-request",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        # (node, method, logger text, function name, function scope node, deferred self attr, class node)
        self.calls: List[Tuple[cst.Call, str, str, str, int, Optional[str], Optional[int]]] = []
        self.removals: Set[str] = set()
        # id(function node) of functions that look at the logger's handlers / filters
        self.checked: Set[int] = set()
        # module-level names and class attributes holding a logger obtained by a constant name
        self.module_loggers: Set[str] = set()
        self.class_loggers: Set[Tuple[int, str]] = set()
        self.self_loggers: Set[Tuple[int, str]] = set()
        # (id(function node), name) of names a function returns: a handler handed back to the
        # caller is the caller's to remove (`h = add_stderr_logger(); ...; logger.removeHandler(h)`)
        self.returned: Set[Tuple[int, str]] = set()
        self.qualnames: Dict[int, str] = {}  # id(call node) -> qualname of its scope, for the lifetime model
        self.inner_function: Dict[int, int] = {}  # id(call node) -> id(innermost function node)

    # ------------------------------------------------------------------ traversal
    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._constant_logger(node.value):
            return
        ctx = self.context
        for target in node.targets:
            t = target.target
            if isinstance(t, cst.Name):
                if ctx.scope.kind == "module":
                    self.module_loggers.add(t.value)
                elif ctx.scope.kind == "class":
                    self.class_loggers.add((id(ctx.scope.node), t.value))
            elif isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name):
                found = enclosing_method(ctx)
                if found is not None and t.value.value == self_name(ctx):
                    self.self_loggers.add((id(found[0].node), t.attr.value))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = node.attr.value
        if name in ("removeHandler", "removeFilter"):
            self.removals.add(name)
        elif name in ("handlers", "hasHandlers", "filters"):
            function = outermost_function(self.context)
            if function is not None:
                self.checked.add(id(function.node))

    def visit_Return(self, node: cst.Return) -> None:
        function = self.context.function_scope
        if function is not None and isinstance(node.value, cst.Name):
            self.returned.add((id(function.node), node.value.value))

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in ADDERS or ctx.at_module_level:
            return
        function = outermost_function(ctx)
        if function is None or ONCE.search(function.name) or self._memoised(function.node):
            return
        if in_test_code(ctx):
            return  # test scaffolding: a short-lived process, or a fixture run once per session
        self.qualnames[id(node)] = ctx.scope.qualname
        self.inner_function[id(node)] = id(ctx.function_scope.node) if ctx.function_scope is not None else 0
        logger = self._logger(func.value)
        if logger is None:
            return
        text, deferred, cls = logger
        self.calls.append((node, func.attr.value, text, function.name, id(function.node), deferred, cls))

    def _memoised(self, node: cst.CSTNode) -> bool:
        """`@functools.cache` / `@lru_cache`: the body runs once per distinct argument."""
        if not isinstance(node, cst.FunctionDef):
            return False
        for name, _, _ in decorator_names(self.context, node, self.context.module_scope):
            if name in MEMOISERS or name.rsplit(".", 1)[-1] in ("cache", "lru_cache", "once", "run_once"):
                return True
        return False

    # ------------------------------------------------------------------ loggers
    def _constant_logger(self, expr: cst.BaseExpression) -> bool:
        """`logging.getLogger(<constant name>)`, `logging.getLogger()`, `logging.root`."""
        ctx = self.context
        if isinstance(expr, cst.Attribute) and ctx.qualified_name(expr) == "logging.root":
            return True
        if not isinstance(expr, cst.Call) or ctx.call_name(expr) != "logging.getLogger":
            return False
        arg = call_arg(expr, 0, "name")
        if arg is None:
            return True
        return is_bounded_name_part(ctx, arg.value) and not self._is_param(arg.value)

    def _is_param(self, expr: cst.BaseExpression) -> bool:
        if not isinstance(expr, cst.Name):
            return False
        scope = binding_scope(expr.value, self.context.scope)
        if scope is None or not scope.is_function:
            return False
        node = scope.node
        return isinstance(node, (cst.FunctionDef, cst.Lambda)) and expr.value in param_names(node.params)

    def _logger(self, expr: cst.BaseExpression) -> Optional[Tuple[str, Optional[str], Optional[int]]]:
        """(text, deferred self attribute, class node id) when `expr` is a logger obtained by a
        constant name."""
        ctx = self.context
        if self._constant_logger(expr):
            return short_text(expr), None, None
        if isinstance(expr, cst.Name):
            scope = binding_scope(expr.value, ctx.scope)
            if scope is None:
                return None
            if scope.kind == "module":
                return (expr.value, None, None) if expr.value in self.module_loggers else None
            if scope.is_function:
                values = local_values(scope, expr.value)
                if values and all(self._constant_logger(v) for v in values):
                    return expr.value, None, None
            return None
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            found = enclosing_method(ctx)
            if found is None:
                return None
            if expr.value.value == self_name(ctx) or expr.value.value in ("cls", found[0].name):
                return short_text(expr), expr.attr.value, id(found[0].node)
        return None

    # ------------------------------------------------------------------ decision
    def leave_Module(self, original_node: cst.Module) -> None:
        project = self.context.project
        for node, method, text, function, function_id, deferred, cls in self.calls:
            removal = ADDERS[method]
            if removal in self.removals or function_id in self.checked:
                continue
            if self._handed_back(node):
                continue
            qualname = self.qualnames.get(id(node), "")
            if project is not None and project.scope_multiplicity(self.context.module, qualname).value == "once":
                continue  # once-per-process code adds one handler
            if deferred is not None and cls is not None:
                if (cls, deferred) not in self.self_loggers and (cls, deferred) not in self.class_loggers:
                    continue
            self.report(node, call=method, logger=text, function=function, removal=removal)

    def _handed_back(self, node: cst.Call) -> bool:
        """`logger.addHandler(handler); return handler`: the caller gets the handler to remove."""
        if not node.args or not isinstance(node.args[0].value, cst.Name):
            return False
        return (self.inner_function.get(id(node)), node.args[0].value.value) in self.returned
