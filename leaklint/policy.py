"""Policy: which code the rules leave alone, defined once.

Three questions every family asks before it reports, answered here and nowhere else:

- **Test code** (`in_test_code`): a test file, a module that imports unittest / pytest (tests
  and their helpers), a test function or a method of a test class. It runs in a process that
  ends with the test run, and keeps exceptions, frames and callbacks on purpose to assert on
  them.
- **Runs once** (`is_entry_point`, `called_from_main_block`, `in_one_time_function`): the
  process's entry point (`main()` / `_main()` and what the `if __name__ == "__main__":` block
  calls) runs once per process, so what it leaves behind is released when the process ends;
  functions whose names say they run once or register on purpose (set-up, configure, install,
  register, hook, patch ...) are where registration is the point.
- **Test doubles** (`expects_failure`, `expects_failure_after`, `patched`,
  `INJECTED_ATTRIBUTES`): code that expects a call to fail, or works on objects whose
  collaborators are replaced, creates nothing that needs releasing.

Two lists of run-once names used to disagree: the resource rules' `ONE_SHOT_FUNCTIONS`
(`main`, `_main`) and the closure rules' `ONE_TIME_FUNCTION` pattern (`main` but not `_main`).
Both now read `ENTRY_POINT_NAMES`, so the closure and frame rules (LL3xx, LL5xx) also treat
`_main` as a run-once entry point.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

import libcst as cst

from .analysis.expr import dotted_name
from .analysis.scopes import Context, Scope
from .traverse import children
from .types import Confidence

# ------------------------------------------------------------------------------ test code
TEST_DIRS = frozenset({"test", "tests", "testing", "_tests"})
TEST_MODULES = ("unittest", "pytest")
TEST_FUNCTION_NAME = re.compile(r"^(test|setUp|tearDown|asyncSetUp|asyncTearDown|setup_|teardown_)")
TEST_CLASS_NAME = re.compile(r"^Test|Tests?$|TestCase$")


@functools.lru_cache(maxsize=256)
def is_test_path(path: str) -> bool:
    """`test_*.py`, `*_test.py`, `conftest.py`, or a file under a `test` / `tests` / `testing`
    directory or one named like a test module (`idle_test`, `api_tests`): code that runs in a
    short-lived test process."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(p in TEST_DIRS or p.endswith(("_test", "_tests")) for p in parts[:-1])
    )


def in_test_code(ctx: Optional[Context], scope: Optional[Scope] = None) -> bool:
    """The code is test code: a test file (`is_test_path`), a module that imports unittest or
    pytest, or a test function / method of a test class (`in_test_scope`). Without a context
    only the scope is looked at."""
    if ctx is None:
        return in_test_scope(scope)
    if is_test_path(ctx.path) or imports_test_framework(ctx):
        return True
    return in_test_scope(ctx.scope if scope is None else scope)


# library code imports these parts of unittest to recognize or build mocks at run time
# (typeguard's checkers accept `unittest.mock.Mock` for any type): no sign of a test module
NOT_TEST_MARKERS = ("unittest.mock",)


def imports_test_framework(ctx: Context) -> bool:
    """The file imports pytest, or unittest for anything but `unittest.mock`
    (`import unittest`, `from unittest import TestCase`)."""
    if not ctx.imports_module(*TEST_MODULES):
        return False
    for target in ctx.import_targets:
        top = target.split(".", 1)[0]
        if top not in TEST_MODULES:
            continue
        if any(target == m or target.startswith(m + ".") for m in NOT_TEST_MARKERS):
            continue
        return True
    return False


def in_test_scope(scope: Optional[Scope]) -> bool:
    """`scope` is (or is inside) a test function or a test class."""
    while scope is not None:
        if scope.kind == "function" and TEST_FUNCTION_NAME.search(scope.name):
            return True
        if scope.kind == "class" and TEST_CLASS_NAME.search(scope.name):
            return True
        scope = scope.parent
    return False


# ------------------------------------------------------------------------------ runs once
# a module-level function by one of these names is the process's entry point
ENTRY_POINT_NAMES = frozenset({"main", "_main"})

# names that say a function runs once (set-up, configuration, the entry point, and their mirror:
# a test's or an application's teardown hooks, `tearDown*`, `teardown_*`, unittest's
# `do*Cleanups`, `on_startup` / `on_shutdown` / `on_cleanup`) or registers on purpose
# (register / install / hook / patch / enable ...)
ONE_TIME_FUNCTION = re.compile(
    r"^(test|setup|setUp|set_up|"
    + "|".join(sorted(f"{re.escape(name)}$" for name in ENTRY_POINT_NAMES))
    + r"|init_|initialize|configure|bootstrap)|register|install|hook|patch|monkey|enable|activate"
    + r"|^_*(on_(startup|shutdown|cleanup)$|tear_?down|do\w*cleanups$)",
    re.IGNORECASE,
)


def is_entry_point(name: str) -> bool:
    return name in ENTRY_POINT_NAMES


def called_from_main_block(module: cst.Module) -> Set[str]:
    """Names of the functions the module's `if __name__ == "__main__":` block calls."""
    out: Set[str] = set()
    for statement in module.body:
        if not isinstance(statement, cst.If) or not _is_main_test(statement.test):
            continue
        stack: List[cst.CSTNode] = [statement.body]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
                out.add(node.func.value)
            stack.extend(children(node))
    return out


def once_per_process(module: cst.Module) -> Set[str]:
    """Module-level functions that run once per process: the entry points and whatever the
    `__main__` block calls."""
    return set(ENTRY_POINT_NAMES) | called_from_main_block(module)


class HeldFindings:
    """Findings held until the end of the module, where it is known whether the code each is in
    runs once per process: a module-level function that is an entry point or that the
    `__main__` block calls (`once_per_process`), or a scope the project's lifetime model
    (`ctx.project.scope_multiplicity`) places once per process. What runs once is released at
    exit, so its findings are dropped.

    Two kinds of finding ask the model more. One that needs the code to repeat to do harm
    (`needs_repeat`: a release that an exception skips) is kept only where the model shows the
    code repeats, unless the caller keeps it where the model cannot tell (an opt-in). A
    `graded` one (a judgement of a path or a callee) gets confidence HIGH where the model shows
    the code repeats and MEDIUM elsewhere. Used by LL401 and LL402."""

    def __init__(self) -> None:
        self.held: List[Tuple[Optional[str], str, cst.CSTNode, Dict[str, Any], bool, bool]] = []

    def hold(
        self, top: Optional[str], qualname: str, node: cst.CSTNode, fields: Dict[str, Any],
        needs_repeat: bool = False, graded: bool = False,
    ) -> None:
        """`top`: the module-level function the finding is in (None inside a class);
        `qualname`: the scope's qualified name in the module; `fields`: the report's fields."""
        self.held.append((top, qualname, node, fields, needs_repeat, graded))

    def settle(self, ctx: Context, module: cst.Module, unknown_repeats: bool) -> Iterator[Tuple[cst.CSTNode, Dict[str, Any]]]:
        """The findings to report, with their fields (and a confidence for the graded ones).
        `unknown_repeats`: keep `needs_repeat` findings where the model cannot tell."""
        once = once_per_process(module)
        project = ctx.project
        for top, qualname, node, fields, needs_repeat, graded in self.held:
            if top in once:
                continue
            runs = project.scope_multiplicity(ctx.module, qualname).value if project is not None else None
            if runs == "once":
                continue
            if needs_repeat and not unknown_repeats and runs != "repeated":
                continue
            if graded:
                fields = dict(fields, confidence=Confidence.HIGH if runs == "repeated" else Confidence.MEDIUM)
            yield node, fields


def _is_main_test(test: cst.BaseExpression) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    left, right = test.left, test.comparisons[0].comparator
    texts = {dotted_name(left) or "", (right.evaluated_value if isinstance(right, cst.SimpleString) else None) or ""}
    texts |= {dotted_name(right) or "", (left.evaluated_value if isinstance(left, cst.SimpleString) else None) or ""}
    return "__name__" in texts and "__main__" in texts


def in_one_time_function(ctx: Optional[Context], scope: Optional[Scope] = None) -> bool:
    """The code runs in test code, or in a function whose name says it runs once or registers
    on purpose (a set-up / install / configure / register function, the entry point), or
    inside one. `__init__` does not count: it runs once per object, not once per process."""
    scope = ctx.scope if scope is None and ctx is not None else scope
    if in_test_code(ctx, scope):
        return True
    while scope is not None:
        if scope.kind == "function" and scope.name != "__init__" and ONE_TIME_FUNCTION.search(scope.name):
            return True
        scope = scope.parent
    return False


# ------------------------------------------------------------------------------ test doubles
# calls whose `with` block expects the body to fail: a resource "created" in it is never created
EXPECTS_FAILURE = frozenset({"assertRaises", "assertRaisesRegex", "assertRaisesRegexp", "raises"})
# `conn.sock = FakeSocket()`: a collaborator injected by hand, the object is a test double
INJECTED_ATTRIBUTES = ("sock", "fp", "file")


def expects_failure(item: cst.BaseExpression) -> bool:
    """`with self.assertRaises(E):`, `with pytest.raises(E):`, and `with mock.patch(...)` (the
    resources created in it are test doubles)."""
    if not isinstance(item, cst.Call):
        return False
    text = dotted_name(item.func)
    last = text.rsplit(".", 1)[-1]
    return last in EXPECTS_FAILURE or "patch" in text.split(".")


def _fails(statements: Sequence[cst.CSTNode]) -> bool:
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Raise):
                    return True
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                    if dotted_name(small.value.func).rsplit(".", 1)[-1] == "fail":
                        return True
    return False


def expects_failure_after(node: Any) -> bool:
    """`try: ... except E: ... else: self.fail(...)`, or a try body that ends with
    `self.fail(...)`: the body is expected to raise."""
    if not node.handlers:
        return False
    body = list(getattr(node.body, "body", ()))
    if body and _fails(body[-1:]):
        return True
    orelse = getattr(node, "orelse", None)
    return orelse is not None and _fails(getattr(orelse.body, "body", ()))


def patched(node: cst.FunctionDef) -> bool:
    """A function decorated with `mock.patch(...)` / `patch.object(...)`: its resources are doubles."""
    for decorator in node.decorators:
        expr = decorator.decorator
        if isinstance(expr, cst.Call):
            expr = expr.func
        if "patch" in dotted_name(expr).split("."):
            return True
    return False


def is_injected_double(attr: str) -> bool:
    """`conn.sock = ...`, `resp.fp = ...`: replacing such a collaborator by hand makes a double."""
    lowered = attr.lower()
    return any(word in lowered for word in INJECTED_ATTRIBUTES)
