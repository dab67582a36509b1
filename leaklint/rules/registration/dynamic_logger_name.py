from __future__ import annotations

import re
from typing import List, Optional, Tuple

import libcst as cst

from ...matchers import call_arg
from ...policy import in_test_code
from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from ...analysis.expr import short_text
from ...analysis.scopes import Context, binding_scope
from ._common import local_values, param_names
from ._logger_names import is_bounded_name_part

# parts of a name that identify one request / connection / object: a new logger per value
PER_OBJECT = re.compile(
    r"(^|[^a-z0-9])([a-z]?ids?|uuid\w*|\w*_id|ident|fileno|fd|peer\w*|addr\w*|address|port|"
    r"request\w*|req|conn\w*|session\w*|client\w*|sock\w*|user\w*|counter|seq|serial|time\w*|"
    r"random\w*|token|key)([^a-z0-9]|$)",
    re.IGNORECASE,
)


class DynamicLoggerName(Rule):
    """
    ## What it does
    Checks for `logging.getLogger(name)` and `logger.getChild(name)` inside functions where the
    name is built at run time from data that changes per call: an f-string, `%`, `.format()`
    or `+` with a variable part, `str(id(obj))`, a file descriptor, a request or connection id;
    directly or through a local variable assigned in the same function.

    ## Why is this bad?
    `logging.getLogger` never creates the same logger twice: it stores every logger it creates
    in `logging.Logger.manager.loggerDict`, keyed by name, for the life of the process, and
    never removes one. A logger per request, per connection or per object is one more logger
    (with its placeholder parents, level cache and anything attached to it) that stays alive
    forever after the request is done. With `id(obj)` in the name, ids are reused, so records
    can even land on a stale logger configured for another object.

    Not reported: names made only of constants, `__name__`, class or function names
    (`type(self).__name__`), module-level constants, calls at module level, and a name the
    caller chose: a parameter passed on unchanged, or a parameter named like a name (`name`,
    `prefix`, `module`, `*_name`) joined to constants or reshaped by string methods
    (`f"mylib.{name}"`, `name.split(".")[-1]`), as in `get_logger(name)` helpers, or an
    attribute that names a configured label (`engine.logging_name`; a bare `obj.name` still
    counts as per object). Nor are calls in test code, in code the project's lifetime model
    places once per process, or in a module that takes loggers out of logging's manager again
    (`logging.root.manager.loggerDict.pop(name)`, `del ...loggerDict[name]`: removed elsewhere,
    as annotated-logger 1.3.0 does).

    ## Known problems
    On the ecosystem corpus (20 PyPI projects + the 3.11 stdlib) its two findings were false
    positives: names built from a class name and a user-configured label (SQLAlchemy's
    `instance_logger`, `instance.logging_name`) and per-thread names in a test. Both shapes
    are now known (a configured naming attribute is bounded; test code is not checked) and
    a full rerun of the rule on that corpus, with each project's lifetime model, gives no
    finding (`bench/ecosystem/run.py --select LL203`).
    The fresh sample's opt-in run (`bench/fresh/optin-lifetime-87e3d29.json`) had none. On
    the leak-fix corpus (bench/leakfixes) it finds annotated-logger's uuid4 logger per
    decorated call (high confidence), and the fixed release, which pops each logger from
    `loggerDict` when the call ends, is clean. With no false positive left on real code it is
    on by default; its precision on real code is not yet measured on a true finding.

    A name built from a variable that takes few values in practice (a plugin name, a
    configured component) is bounded and harmless; those findings carry medium confidence,
    and parts that look like identifiers of requests, connections or objects (`id(...)`,
    `request_id`, `fileno`, `peer`, `port`) high. Suppress a bounded one with a comment that
    says why.

    ## Fix safety
    There is no automatic fix. Keep one logger per module (`logging.getLogger(__name__)`) and
    put the per-request data in the record: `logging.LoggerAdapter(logger, {"request_id": rid})`,
    the `extra=` argument, or a `logging.Filter` / `contextvars` that adds it.

    ## References
    - [logging.getLogger](https://docs.python.org/3/library/logging.html#logging.getLogger)
      ("all calls to this function with a given name return the same logger instance")
    - [Logging cookbook: adding contextual information](https://docs.python.org/3/howto/logging-cookbook.html#adding-contextual-information-to-your-logging-output)
    - LL204 (handlers added per call). No rule of ruff, flake8-bugbear or pylint covers this.
    """

    code = "LL203"
    name = "dynamic-logger-name"
    message = "{call} builds the logger name from {part} at run time: each distinct name creates a logger that logging keeps for the life of the process"
    confidence = Confidence.HIGH
    triggers = ("getLogger", "getChild")
    fix_title = "Use one logger per module and pass per-call data with LoggerAdapter or extra="

    VALID = [
        Valid(
            """
            import logging

            log = logging.getLogger(__name__)
            audit = logging.getLogger(f"{__name__}.audit")

            def handle(request):
                logging.getLogger(__name__).info("handling %s", request.id)
                logging.getLogger("app.requests").info("ok")
            """,
            id="constant-and-dunder-name",
        ),
        Valid(
            """
            import logging

            class Worker:
                def __init__(self):
                    self.log = logging.getLogger(f"{__name__}.{type(self).__name__}")
                    self.log2 = logging.getLogger(self.__class__.__qualname__)
                    self.log3 = logging.getLogger(__name__ + "." + self.__class__.__name__)
            """,
            id="class-name-is-bounded",
        ),
        Valid(
            """
            import logging

            def get_logger(name):
                return logging.getLogger(name)

            def child(logger, suffix):
                return logger.getChild(suffix)

            def lib_logger(name):
                stable = "compilers." + name.split("compilers.", 1)[1]
                return logging.getLogger(stable)

            def plugin_logger(plugin_name):
                return logging.getLogger(f"{__name__}.plugins.{plugin_name.lower()}")
            """,
            id="parameter-passed-unchanged",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import logging

            def handle(request):
                log = logging.getLogger(f"app.request.{request.id}")  # LL203
                log.info("start")
            """,
            id="f-string-request-id",
            confidence=Confidence.HIGH,
        ),
        Invalid(
            """
            import logging

            def handle(request_id, body):
                log = logging.getLogger(f"svc.request.{request_id}")  # LL203
                log.debug("%d bytes", len(body))
            """,
            id="parameter-that-is-data-not-a-name",
            confidence=Confidence.HIGH,
        ),
    ]

    def __init__(self, context: Context, options: object = None) -> None:
        super().__init__(context, options)
        self._found: List[Tuple[cst.Call, Confidence, str, str, str]] = []
        self._unregisters = False  # the module takes loggers out of logging's manager again

    def visit_Del(self, node: cst.Del) -> None:
        targets = node.target.elements if isinstance(node.target, (cst.Tuple, cst.List)) else [node.target]
        for target in targets:
            value = target.value if isinstance(target, cst.Element) else target
            if isinstance(value, cst.Subscript) and _is_logger_dict(value.value):
                self._unregisters = True

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in LOGGER_DICT_REMOVALS and _is_logger_dict(func.value):
            self._unregisters = True  # `logging.root.manager.loggerDict.pop(name, None)`
            return
        if ctx.at_module_level:
            return
        if isinstance(func, cst.Attribute) and func.attr.value == "getChild":
            arg = call_arg(node, 0, "suffix")
            call = "getChild"
        elif ctx.call_name(node) == "logging.getLogger":
            arg = call_arg(node, 0, "name")
            call = "getLogger"
        else:
            return
        if arg is None:
            return
        part = self._dynamic_part(arg.value, 0)
        if part is None:
            return
        if in_test_code(ctx):
            return  # a test process is short-lived: its loggers die with it
        text = short_text(part)
        confidence = Confidence.HIGH if PER_OBJECT.search(text) else Confidence.MEDIUM
        self._found.append((node, confidence, call, text, ctx.scope.qualname))

    def leave_Module(self, original_node: cst.Module) -> None:
        if self._unregisters:
            return  # loggers made here are removed from logging's manager again (removed elsewhere)
        project = self.context.project
        for node, confidence, call, text, qualname in self._found:
            if project is not None and project.scope_multiplicity(self.context.module, qualname).value == "once":
                continue  # once-per-process code makes a bounded number of loggers
            self.report(node, confidence=confidence, call=call, part=text)

    def _bounded(self, expr: cst.BaseExpression) -> bool:
        return is_bounded_name_part(self.context, expr)

    def _dynamic_part(self, expr: cst.BaseExpression, depth: int) -> Optional[cst.BaseExpression]:
        """The variable part of a name built at run time, or None when the expression is a
        constant or a value passed through unchanged."""
        if depth > 3:
            return None
        if isinstance(expr, cst.FormattedString):
            for part in expr.parts:
                if isinstance(part, cst.FormattedStringExpression) and not self._bounded(part.expression):
                    return part.expression
            return None
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.Add, cst.Modulo)):
            operands = [expr.left]
            right = expr.right
            if isinstance(expr.operator, cst.Modulo) and isinstance(right, cst.Tuple):
                operands.extend(e.value for e in right.elements)
            else:
                operands.append(right)
            for operand in operands:
                inner = self._dynamic_part(operand, depth + 1)
                if inner is not None:
                    return inner
                if not self._bounded(operand) and not isinstance(operand, (cst.BinaryOperation, cst.FormattedString)):
                    return operand
            return None
        if isinstance(expr, cst.Call):
            func = expr.func
            if isinstance(func, cst.Attribute) and func.attr.value in ("format", "join"):
                for value in [a.value for a in expr.args]:
                    if not self._bounded(value):
                        return value
                return None
            if isinstance(func, cst.Name) and func.value in ("str", "repr", "hex", "format") and expr.args:
                value = expr.args[0].value
                return None if self._bounded(value) else value
            return None
        if isinstance(expr, cst.Name):
            scope = binding_scope(expr.value, self.context.scope)
            if scope is None or not scope.is_function:
                return None
            node = scope.node
            params = param_names(node.params) if isinstance(node, (cst.FunctionDef, cst.Lambda)) else set()
            if expr.value in params:
                return None
            for value in local_values(scope, expr.value):
                inner = self._dynamic_part(value, depth + 1)
                if inner is not None:
                    return inner
        return None


# `del manager.loggerDict[name]`, `loggerDict.pop(name)`, `loggerDict.clear()`: a module that takes
# loggers out of logging's registry again keeps them from accumulating
LOGGER_DICT_REMOVALS = frozenset({"pop", "clear", "popitem"})


def _is_logger_dict(expr: cst.BaseExpression) -> bool:
    return (isinstance(expr, cst.Attribute) and expr.attr.value == "loggerDict") or (
        isinstance(expr, cst.Name) and expr.value == "loggerDict"
    )
