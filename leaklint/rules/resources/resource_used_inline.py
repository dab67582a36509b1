from __future__ import annotations

from typing import Any, Dict, List, Optional, Set

import libcst as cst

from ...traverse import children
from ...policy import HeldFindings, expects_failure, expects_failure_after, in_test_code, patched
from ...types import Confidence, Invalid, Valid
from ._common import (
    READ_TO_EOF_CLOSES,
    BUILTIN_STORES,
    CONSUMER_METHODS,
    CONSUMERS,
    SELF_CLOSING_ITERATION,
    Resource,
    ResourceRule,
)
from ._late_handoff import can_fail

# A bare statement that only creates a resource: reported for the fire-and-forget process and
# the create-or-truncate `open(p, "w")`; anything else is a probe.
BARE_STATEMENTS = frozenset({"subprocess.Popen", "builtins.open", "io.open"})
# `ZipFile(p).open(name)`: the member is the resource the caller sees; report that one only.
# a statement after which the process is gone (or replaced): a child started just before it is
# meant to outlive it
_PROCESS_ENDS = frozenset({"os._exit", "os.execv", "os.execve", "os.execl", "os.execlp", "os.execvp", "os.execvpe"})
_YIELDS_RESOURCE = {("zipfile.ZipFile", "open"), ("zipfile.PyZipFile", "open"), ("ssl.SSLContext", "wrap_socket")}


def _leaves_early(body: List[cst.CSTNode]) -> Optional[str]:
    """How a loop body (or a comprehension's per-item code) can stop the iteration before its
    end: "leaves" for a `break` of this loop or a `return`, "fails" for a `raise` or a call that
    can fail (`_late_handoff.can_fail`: only an error path), None when it cannot. A `yield`
    does not count: a generator abandoned by its consumer is closed when it is collected, and
    so is the iterator it holds."""
    found: Optional[str] = None
    stack: List[Any] = [(node, False) for node in body]
    while stack:
        node, nested_loop = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(node, cst.Return) or (isinstance(node, cst.Break) and not nested_loop):
            return "leaves"
        if isinstance(node, cst.Raise) or (isinstance(node, cst.Call) and can_fail(node)):
            found = "fails"
        inner = nested_loop or isinstance(node, (cst.For, cst.While))
        stack.extend((child, inner) for child in children(node))
    return found


class ResourceUsedInline(ResourceRule):
    """
    ## What it does
    Checks for a resource from the LL401 catalogue (files, sockets, URL responses,
    processes, pools, connections, temporary directories ...) created inside an expression and
    dropped without being closed: `open(p).read()`, `json.load(open(p))`,
    `len(open(p).readlines())`, `for line in open(p):`, `urlopen(u).read(n)`,
    `subprocess.run(cmd, stdout=open(log, "w"))`, `TemporaryDirectory().name`, or a bare
    `subprocess.Popen(cmd)` statement.

    The touch idiom `open(p, "a").close()` (and any other release called directly on the new
    object, such as `Popen(cmd).wait()`), a call that is itself returned, stored or used as a
    `with` item, iteration to the end of an iterator that closes itself when exhausted
    (`for line in fileinput.input():`, `for entry in os.scandir(p):`; reported when the loop
    or comprehension can stop early: a `break` or `return`, or, at medium confidence since only
    an error leaves it open, a `raise` or a call that can fail such as
    `[self.info(e) for e in os.scandir(p)]`), `open(fd, closefd=False)` (which owns no descriptor), wrappers over an
    in-memory or caller-owned stream (`GzipFile(fileobj=buf)`), and code that expects the call
    to fail or runs against test doubles (`with self.assertRaises(...)`, `pytest.raises`,
    `mock.patch`) are not reported. Neither are `urlopen(u).read()` without a size (it reads to
    the end of the body, where an HTTP response closes its socket), a bare
    `subprocess.Popen(cmd)` statement followed at once by `os._exit(...)` or an `os.exec*`
    call (the child is meant to outlive the process), module-level code such as an
    `if __name__ == "__main__":` block (it runs once per process), and test code (test files,
    modules that import unittest or pytest, test functions and classes; the `include-tests`
    option checks it too).

    ## Why is this bad?
    Nothing ever calls `close()` on the object: it is released when its last reference
    disappears. CPython usually drops it at the end of the statement, but any exception raised
    while it is in use keeps it alive in the traceback's frames (and an exception stored in a
    log or an error list keeps it for as long as that lives), and PyPy or any runtime without
    reference counting keeps it until some later garbage collection. Each call leaves one more
    descriptor, socket, zombie process or worker pool open until then; Python's development
    mode reports each of them as a `ResourceWarning`. For `TemporaryDirectory().name` the
    opposite happens: the directory is deleted as soon as the object is dropped, before the
    name is used.

    ## Known problems
    Only calls that are known to read their argument and keep nothing (`json.load`,
    `pickle.load`, `csv.reader`, `shutil.copyfileobj`, the `subprocess` functions, builtins
    such as `list` or `len`, `str.join` ...) are checked for resource arguments; an inline
    resource passed to any other function is assumed to be kept by it.

    A bare `subprocess.Popen(cmd)` statement is reported even when the child is meant to
    outlive the parent (a browser launched for the user): the `Popen` object is still dropped
    unreaped, and Python's development mode warns about it. Suppress the line if that is the
    intent.

    `urlopen(u).read()` is accepted for every URL scheme, though only HTTP responses close
    themselves at the end of the body (a `file:` or `ftp:` URL stays open until collected).

    ## Fix safety
    There is no automatic fix. Bind the resource in a `with` statement
    (`with open(p) as f: data = json.load(f)`), or use the helpers that close for you:
    `pathlib.Path(p).read_text()` / `read_bytes()` / `write_text()`, `subprocess.run(...)`
    instead of a bare `Popen`.

    ## References
    - [Python docs: Reading and writing files](https://docs.python.org/3/tutorial/inputoutput.html#reading-and-writing-files)
    - [pathlib.Path.read_text](https://docs.python.org/3/library/pathlib.html#pathlib.Path.read_text)
    - [Development mode: ResourceWarning](https://docs.python.org/3/library/devmode.html)
    - Overlaps ruff `SIM115`, pylint `R1732` (`consider-using-with`), CodeQL
      `py/file-not-closed`, Semgrep `open-never-closed`, which flag only some of the file
      openers; the touch idiom `open(p).close()` (pylint#5080, CodeQL#6751) is not reported here.
    """

    code = "LL402"
    name = "resource-used-inline"
    message = "{resource} is used inline and never closed; only the garbage collector releases it"
    argument_message = "{resource} is passed to {consumer}, which never closes it; only the garbage collector releases it"
    tempdir_message = "{resource} is dropped at once, so the directory is deleted before its name is used"
    confidence = Confidence.HIGH
    fix_title = "Bind it in a with statement, or use a helper that closes (Path.read_text, subprocess.run)"

    VALID = [
        Valid(
            """
            import subprocess

            def touch(path):
                open(path, "a").close()

            def run(cmd):
                subprocess.Popen(cmd).wait()
            """,
            id="touch-idiom-and-release-on-the-spot",
        ),
        Valid(
            """
            from urllib.request import urlopen

            def open_log(path):
                return open(path, "a")

            def fetch(url):
                return urlopen(url)

            def opener(path):
                return lambda: open(path)
            """,
            id="returned",
        ),
        Valid(
            """
            import contextlib
            from urllib.request import urlopen

            def read(path, url, stack):
                with open(path) as fh:
                    data = fh.read()
                with contextlib.closing(urlopen(url)) as resp:
                    body = resp.read()
                extra = stack.enter_context(open(path + ".extra"))
                return data, body, extra
            """,
            id="with-closing-enter-context",
        ),
    ]

    INVALID = [
        Invalid(
            """
            from concurrent.futures import ThreadPoolExecutor

            def test_draw_from_a_thread(fig):
                future = ThreadPoolExecutor().submit(fig.canvas.draw)  # LL402
                future.result()
            """,
            id="test-code-with-include-tests",
            options={"include-tests": True},
            path="tests/test_backends.py",
        ),
        Invalid(
            """
            import json

            def load(path):
                text = open(path).read()  # LL402
                data = json.load(open(path + ".json"))  # LL402
                count = len(open(path).readlines())  # LL402
                return text, data, count
            """,
            id="read-load-len",
        ),
    ]

    def __init__(self, context: Any, options: Any = None) -> None:
        super().__init__(context, options)
        self.done: Set[int] = set()
        self.held = HeldFindings()  # findings wait for leave_Module: what runs once per process is dropped
        # nodes whose body is expected to fail or works on test doubles
        self.quiet: List[int] = []
        self.try_bodies: List[int] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if patched(node):
            self.quiet.append(id(node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if self.quiet and self.quiet[-1] == id(original_node):
            self.quiet.pop()

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        body = node.body
        for stmt, after in zip(body, body[1:]):
            call = _bare_call(stmt)
            last = _bare_call(after)
            if call is not None and last is not None and self.context.call_name(last) in _PROCESS_ENDS:
                self.done.add(id(call))  # `Popen(cmd)` then `os._exit(0)`: the child outlives us

    def visit_With(self, node: cst.With) -> None:
        if any(expects_failure(item.item) for item in node.items):
            self.quiet.append(id(node))

    def leave_With(self, original_node: cst.With) -> None:
        if self.quiet and self.quiet[-1] == id(original_node):
            self.quiet.pop()

    def visit_Try(self, node: cst.Try) -> None:
        if expects_failure_after(node):
            self.quiet.append(id(node))
        if node.handlers:
            self.try_bodies.append(id(node.body))

    def leave_Try(self, original_node: cst.Try) -> None:
        if self.quiet and self.quiet[-1] == id(original_node):
            self.quiet.pop()
        if original_node.handlers and self.try_bodies and self.try_bodies[-1] == id(original_node.body):
            self.try_bodies.pop()

    @property
    def probing(self) -> bool:
        """Inside the body of a try with handlers: a bare call there is expected to raise."""
        return bool(self.try_bodies)

    # ------------------------------------------------------------------ the inline forms
    def _resource(self, node: cst.BaseExpression) -> Any:
        if isinstance(node, cst.Call):
            return self.resolver.resource(node)
        return None

    def _report(self, call: cst.Call, resource: Resource, confidence: Optional[Confidence] = None, **kwargs: Any) -> None:
        if id(call) in self.done or self.quiet:
            return
        if self.context.function_scope is None:
            return  # module-level code (an `if __name__ == "__main__":` block) runs once per process
        if not self.options.include_tests and in_test_code(self.context):
            return  # a test runs once, in a process that ends with the test run
        self.done.add(id(call))
        if resource.qualified == "tempfile.TemporaryDirectory" and not kwargs:
            fields: Dict[str, Any] = dict(message=self.tempdir_message, resource=resource.display)
        elif kwargs:
            fields = dict(message=self.argument_message, resource=resource.display, **kwargs)
        else:
            fields = dict(resource=resource.display)
        if confidence is not None:
            fields["confidence"] = confidence
        # held to the end of the module: code that runs once per process (an entry point, what
        # the `__main__` block calls, what the lifetime model places once) is left alone
        scope = self.context.function_scope
        qualname = scope.qualname
        while scope.parent is not None and scope.parent.kind != "module":
            scope = scope.parent
        self.held.hold(scope.name if scope.kind == "function" else None, qualname, call, fields)

    def leave_Module(self, original_node: cst.Module) -> None:
        for node, fields in self.held.settle(self.context, original_node, False):
            self.report(node, **fields)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        call = node.value
        resource = self._resource(call)
        if resource is None:
            return
        attr = node.attr.value
        if attr in resource.releases or attr in ("__enter__", "__exit__", "__aenter__", "__aexit__"):
            return
        if (resource.qualified, attr) in _YIELDS_RESOURCE:
            return
        self._report(call, resource)  # type: ignore[arg-type]

    def visit_For(self, node: cst.For) -> None:
        self._iterated(node.iter, [node.body])

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])

    def _comprehension(self, node: cst.CSTNode, results: List[cst.CSTNode]) -> None:
        """Each `for` of a comprehension with what runs per item: its conditions, the `for`s
        inside it and the element."""
        compfor = getattr(node, "for_in", None)
        while compfor is not None:
            inner = [*compfor.ifs, *([compfor.inner_for_in] if compfor.inner_for_in is not None else []), *results]
            self._iterated(compfor.iter, inner)
            compfor = compfor.inner_for_in

    def _iterated(self, expr: cst.BaseExpression, body: List[cst.CSTNode]) -> None:
        resource = self._resource(expr)
        if resource is None:
            return
        if resource.qualified in SELF_CLOSING_ITERATION:
            early = _leaves_early(body)
            if early is None:
                return  # iterated to its end, where it closes itself
            if early == "fails":
                # left open only when the loop fails: an error path
                self._report(expr, resource, confidence=Confidence.MEDIUM)  # type: ignore[arg-type]
                return
        self._report(expr, resource)  # type: ignore[arg-type]

    def visit_Expr(self, node: cst.Expr) -> None:
        value = node.value
        if isinstance(value, cst.Await):
            value = value.expression
        resource = self._resource(value)
        if resource is None or resource.qualified not in BARE_STATEMENTS or self.probing:
            # any other resource created in a bare statement is a probe (`TemporaryFile()` in
            # a test that it can be created, a call expected to raise)
            return
        self._report(value, resource)  # type: ignore[arg-type]

    def visit_Call(self, node: cst.Call) -> None:
        qn = self.context.call_name(node)
        func = node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        if method == "read" and not node.args and isinstance(func, cst.Attribute):
            inner = self._resource(func.value)
            if inner is not None and inner.qualified in READ_TO_EOF_CLOSES:
                self.done.add(id(func.value))  # read to EOF: the response has closed itself
        consumer = None
        if qn is not None and (qn in CONSUMERS or (qn.startswith("builtins.") and qn not in BUILTIN_STORES)):
            consumer = qn[len("builtins."):] if qn.startswith("builtins.") else qn
        elif method in CONSUMER_METHODS and qn is None:
            consumer = method
        if consumer is None:
            return
        for arg in node.args:
            resource = self._resource(arg.value)
            if resource is not None:
                self._report(arg.value, resource, consumer=f"{consumer}()")  # type: ignore[arg-type]


def _bare_call(stmt: cst.BaseStatement) -> Any:
    """The call of a statement that is a single bare call expression, else None."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        expr = stmt.body[0]
        if isinstance(expr, cst.Expr) and isinstance(expr.value, cst.Call):
            return expr.value
    return None
