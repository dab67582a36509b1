from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Optional, Set

import libcst as cst

from ...analysis.body import attr_container_of, call_taking, names_bound_to
from ...analysis.borrow import Borrowers
from ...analysis.calls import CallNames
from ...analysis.classes import ModuleClasses, close_on_error_gap_in, family_releases
from ...analysis.expr import dotted_name, is_constant
from ...analysis.flow import Event, EventKind, FlowWalker, finally_releases_after, follows_at_once, gathered_in_loop
from ...analysis.flow import group_by_name, live_span, protected, rebound_only_when_empty, unguarded_failure
from ...matchers import method_of
from ...policy import HeldFindings, in_test_code, patched
from ...types import Confidence, Invalid, Valid
from ._common import SELF_CLOSING_ITERATION, Resource, ResourceRule
from ._init_raise import raise_after_store
from ._late_handoff import failure_text, handoff_text, late_handoff
from ._pipes import piped_streams, streams_left_open

ENTER_METHODS = frozenset({"__enter__", "__aenter__"})
POPEN = "subprocess.Popen"
# sockets made unconnected, and the calls on them that fail in practice (refused, unreachable,
# address in use); a bind / listen that fails uncaught aborts a server's start-up (once per
# process in practice): it matters only where the failure is caught and the code goes on
CONNECTABLE = frozenset({"socket.socket"})
FAILING_CALLS = frozenset({"connect", "bind", "listen"})
FAIL_WHEN_CAUGHT = frozenset({"bind", "listen"})


@dataclass
class _Function:
    node: cst.FunctionDef
    self_name: Optional[str]
    cls: Optional[cst.ClassDef]
    has_resource: bool = False


def _made(bind: Event) -> cst.CSTNode:
    """The call that made the resource a binding event binds."""
    return getattr(bind.node, "value", bind.node)


@dataclass
class _Stored:
    cls: cst.ClassDef
    attr: str
    node: cst.CSTNode
    resource: Resource


class ResourceNotClosed(ResourceRule):
    """
    ## What it does
    Checks for a resource (a file, socket, connection, process, pool, executor, event loop,
    temporary directory ... from the catalogue below) bound to a local name and never closed,
    or re-bound before it was closed. Also on by default: a release that an exception raised
    before it skips (a `close()` outside `finally`, a release on one branch only; not a
    `Popen`'s `wait()`) in code the project's lifetime model shows repeats (`error-paths`
    reports it everywhere else too); a `Popen` whose `stdout` / `stderr` / `stdin` pipes are
    never closed (`wait()` does not close them); a `socket.socket()` left open when
    `connect()`, `bind()` or `listen()` on it fails (also when it is returned on success, and
    when the call goes through a helper that runs a lambda: `retry(lambda: sock.connect(a))`); a
    resource stored on `self` at the top of `__init__` followed by a `raise`, or by a call to
    a function of the module or a method of the class whose body raises outside any `try`
    (`self._raise_if_error()`), that nothing releases it before (the caller never gets the
    object); a resource handed to a function of the same module that only reads it
    (`self._load(fp)`, a generator over the file) and never closed; a resource handed to a
    class of the module that keeps it on `self` and never closes it, or closes it only in an
    ordinary method (not `close()` / `__exit__` / `__del__`) while the new object goes into a
    class- or module-level cache (`cls.cache[key] = cls(fileobj)`); a resource made in a loop
    and kept in a local container across iterations (directly or through a wrapper:
    `items.append(UploadFile(file=spool))`) in a loop that has a `raise` and no `try` around
    it (the iteration that raises drops every one gathered before it); a resource added
    to a close-on-error list of the object (`self._to_close.append(f)`) that the class closes
    only in an except handler of a `try` that leaves out a later call on the object the try
    body works with (`parser.finalize()` after a try around `parser.write()`); and, on error
    paths like the first form (where the model shows the code repeats, or everywhere with
    `error-paths`), a resource handed on late: bound to a local, then a call that can fail (or
    a `raise`) outside any `try`, and only then stored on `self`, returned or wrapped
    (`conn = self._new_conn()`, `ctx = ssl.create_default_context()`,
    `self.sock = ctx.wrap_socket(conn)`: an error in between loses the only reference; calls
    that do not fail on ordinary input, such as `len`, logging or the resource's own
    `settimeout`, do not count). A resource stored on `self` by a class that never releases it is opt-in
    (`self-attributes`). Test code (`include-tests`) and functions that run once per process
    (`main()`, `_main()`, and whatever the `if __name__ == "__main__":` block calls, or what
    the project's lifetime model places once per process) are not checked.

    The catalogue, resolved through imports and aliases: `open`, `io.open`, `io.open_code`,
    `codecs.open`, `os.fdopen`, `gzip` / `bz2` / `lzma` `open` and their file classes,
    `tarfile.open`, `tarfile.TarFile`, `zipfile.ZipFile` / `PyZipFile`, `shelve.open`,
    `dbm.open`, `wave.open`, `fileinput.input`, `tokenize.open`, `mmap.mmap`, `os.scandir`,
    `pathlib.Path(...).open()`, `ZipFile(...).open()`; `tempfile.TemporaryFile`,
    `NamedTemporaryFile`, `SpooledTemporaryFile`, `TemporaryDirectory`; `socket.socket`,
    `create_connection`, `create_server`, `socketpair`, `fromfd`, `SSLContext.wrap_socket`,
    `urllib.request.urlopen`, `http.client.HTTPConnection` / `HTTPSConnection`, `ftplib.FTP`,
    `smtplib.SMTP` / `SMTP_SSL`, `imaplib.IMAP4` / `IMAP4_SSL`, `poplib.POP3`, the
    `selectors` classes that hold a descriptor (`DefaultSelector`, `EpollSelector`,
    `DevpollSelector`, `KqueueSelector`); `subprocess.Popen`, `multiprocessing.Pool`,
    `concurrent.futures.ThreadPoolExecutor` / `ProcessPoolExecutor`, `asyncio.new_event_loop`;
    `sqlite3.connect`; and, only when imported, `requests.Session`, `httpx.Client` /
    `AsyncClient`, `aiohttp.ClientSession`, `urllib3.PoolManager`. Add your own factories with
    the `extra` option. A function or method of the project that returns one of these fresh
    counts as a factory too, as the lifetime model finds it (`def _new_conn(self): return
    socket.create_connection(...)`, followed through helpers, inherited methods and
    `super()`): the caller of `self._new_conn()` owns a socket. A function that also keeps
    what it returns (on `self`, in a container, in a closure), a generator, `__enter__`, and a
    function whose result a decorator caches or manages (`lru_cache`, `contextmanager`, a
    fixture) is not a factory. Without the project's index (a single source on stdin) the
    file alone is indexed.

    A resource counts as released when it is used in a `with` / `async with` (directly or
    later, `with f:`), when the release that fits its type (`close()`, `shutdown()`,
    `wait()` / `communicate()`, `cleanup()`, `quit()`, `logout()` ...) runs in a `finally`
    (or both in an `except` handler and on the normal path), or when it is handed to an owner:
    `contextlib.closing(...)`, `ExitStack.enter_context(...)` (any stack, parameters
    included), `self.enterContext(...)`, `addCleanup(f.close)`, `weakref.finalize(...)`.
    Ownership moves, so nothing is reported, when it is returned or yielded (also inside a
    returned tuple, list or dict, or a returned generator over it), stored in a container or
    an attribute, passed to a constructor or to a call whose result is kept
    (`TextIOWrapper(raw)`, `Stream(sock)`, `await open_connection(sock=sock)`), handed to a
    thread or a task, passed to a
    setter or registry (`set_event_loop(loop)`, `selector.register(...)`), or captured by a
    nested function. Inside `__enter__` / `__aenter__` nothing is reported. A resource stored
    on `self.<attr>` is fine when some method of the class (or of a class of the same module
    it is related to by inheritance) closes `self.<attr>`, hands it over, or gives it away
    (re-wrapping it in place, `self.src = TextIOWrapper(self.src)`, gives nothing away: the
    attribute still holds it).

    `urlopen(url)` bound to a name and read with `.read()` (no size) counts as released: an
    HTTP response closes its socket when the body has been read to the end. A name re-bound
    only in an `except` handler (`fp = io.BytesIO(fp.read())`) still holds the first resource
    on the path that did not fail, so that path is followed on (Pillow's `Image.open`).

    Archive and compression wrappers (`tarfile.open(fileobj=...)`, `gzip.GzipFile(fileobj=...)`,
    `zipfile.ZipFile(stream)`) never close the stream they are given, so handing a resource to
    them does not count as a release; a wrapper over an in-memory buffer or a caller's stream
    owns no descriptor and is not reported itself.

    Code that expects the call to fail or works on test doubles is skipped: the body of
    `with self.assertRaises(...)` / `pytest.raises(...)`, a `try` whose body or `else` ends
    in `self.fail(...)`, functions decorated with `mock.patch` and `with mock.patch(...)`
    blocks, and objects whose socket or file is replaced by hand (`conn.sock = FakeSocket()`).

    ## Why is this bad?
    A resource holds an operating-system object: a file descriptor, a socket, a child process,
    worker threads, a database handle with its file locks. The Python object is the only thing
    that releases it, and it does so only in `close()` (or its finaliser). When the code relies
    on the object being dropped, the release happens when the last reference goes away. Any
    reference keeps it open: an exception's traceback holds the frame and with it every local
    (an error logged or stored with its exception keeps the file open for as long as the log
    entry lives), a reference cycle keeps it until the cyclic collector runs, and PyPy and
    other implementations without reference counting close it at some later collection. Until
    then each call holds one more descriptor, one more thread pool, one more zombie process;
    long-running services run out (`Too many open files`) or block on locks the handle still
    holds. A `close()` that is not in a `finally` is skipped by any exception raised between
    open and close. A name re-bound to a new resource drops the first one unclosed.

    `with sqlite3.connect(db) as conn:` does not close the connection (it commits or rolls
    back): a connection bound to a name and only used in `with conn:` is reported as never
    closed.

    ## Known problems
    On the ecosystem corpus (20 PyPI projects + the 3.11 stdlib) the first version gave 231
    findings, 201 of them in test code, where a resource left to the collector when a test
    fails does no harm; of the 32 outside tests only 11 were real risks. The misses were
    one-shot command-line `main()`s, `urlopen(...)` read to the end, and the two forms that
    are now opt-in: of the 13 error-path findings outside tests 4 were real (a `close()` with
    nothing before it that fails in practice, one-shot set-up code, a browser left running on
    purpose), and none of the 4 `self` attributes (multiprocessing heap arenas that live as
    long as the process, a child reaped by a SIGCHLD handler). With test code, one-shot code
    and those two forms left out, all 7 findings on the corpus are real leaks (gunicorn's
    `socket.fromfd` dup, paramiko's agent socket, requests' `ZipFile`, werkzeug's proxy
    connections, lib2to3), so the rule is on by default.

    With the project's lifetime model (the CLI and the flake8 plugin build it for the whole
    project; see the README): a finding in code the model places once per process is dropped,
    and a known resource reached through a relative import inside its own package
    (`sessions.Session()` in requests' own `api.py`) is resolved through the file's module name.
    Classes of the project that hold a resource stay behind `project-classes` (0 real of 2 on
    the ecosystem corpus: IDLE's RPC server and tornado's autoreload loop, both once per
    process).

    The error-path form was opt-in (1 real of 4 where the model says the code repeats); the
    three false ones were all a `Popen` whose `wait()` an exception could skip, which Popen's
    finaliser reaps, so a Popen's wait is no longer judged on error paths, and the form is on
    by default where the model shows the code repeats (where it cannot tell it found 2 real of
    5: kombu's per-message read, `SMTPHandler.emit`; not test-database set-up or a loopback
    socket pair, so there it stays behind `error-paths`). With the pipes, failed-connect, `__init__`-raise and borrowed-callee forms,
    the leak-fix corpus (41 resource fixes) went from 6 found by default to 15 (Pillow's
    `ImageFont` / `TarIO`, pip's two `call_subprocess`, virtualenv's update `Popen`, fsspec's
    `get_file`, bottle's ranged `static_file`, redis' unix socket connect, and paramiko's agent
    socket, which the failed-connect form finds in the fixed release too: that leak is still
    in paramiko 3.4). One fixed release is flagged, by that real leak (paramiko's agent
    connect). On the ecosystem corpus LL401 now gives 13 findings by default, 12 real (the
    failed-connect form 4 of 5: the miss is webbrowser's once-per-process Grail probe).

    Four forms added later, all on by default (each judged from the module alone): an
    `__init__` that calls a raising function of the module or method of the class after
    storing a resource; a resource kept by a class of the module that closes it only in an
    ordinary method while the new object goes into a class- or module-level cache; a resource
    gathered in a local container across the iterations of a loop that raises; and a
    close-on-error list whose `try` leaves out a later call on the object it guards. They find
    four released leaks the defaults missed and the peers found (xopen's piped reader, both
    starlette multipart tempfile leaks, sphinx's cached `ModuleAnalyzer`), and the failed-connect
    form now sees a `connect()` run through a helper's lambda (paramiko 2.10.5's
    `SSHClient.connect`): the resource family of the leak-fix corpus went from 15 of 41 found
    by default to 20. They add one finding
    on the ecosystem corpus, real (starlette 0.37's `parser.finalize()` outside the cleanup
    try, fixed upstream in 1.0); LL401 there is 14 findings, 13 real. Three fixed releases
    are flagged, and the code is still leaky in each: xopen 1.0.1 still calls
    `self._raise_if_error()` in `__init__` after starting the Popen (the inherited `__del__`
    closes the process but not the stderr pipe), and starlette 0.25.0 has the finalize gap its
    later fix removed. The `__init__` form skips a class with its own `__del__`, not one that
    inherits it. The cached-object form knows a cache only by its shape
    (`cls.attr[key] = obj`, `Capitalized.attr[key] = obj`, a subscript or `append` / `add` on a
    module-level name), not through the lifetime model.

    Ownership is judged from the function and, for callees in the same module, from the
    callee's body (`leaklint.analysis.borrow`): a module-level function called by name or a
    method of the same class called on `self` *borrows* a parameter when it only reads it
    (method calls other than releases, attribute reads, iteration, tests); a resource handed
    to a borrower stays the caller's to close. Any other callee whose result is kept (other
    than known readers such as `json.load`) is assumed to own the resource, and any other
    method of `self` to store it; both can hide a real leak, and a subclass overriding a
    borrowing method is not seen. A function that closes its argument is recognised by its
    name only (`close`, `cleanup`, `release`, `shutdown` ... in it).

    The forms that judge a path or a callee (error paths, pipes, failed connect, `__init__`
    that raises) are high confidence where the lifetime model shows the code repeats and
    medium where it cannot tell (or without a project).

    The medium-confidence finding says "not closed if an exception is raised"; it is also
    given when the only release sits on one branch (an early `return` skips it). A release in
    the statement right after the binding (skipping `pass`, bare annotations and
    `addCleanup(...)` registrations) is accepted, since nothing can fail in between.

    Tests that open a resource on purpose to check what happens when it is dropped, and tests
    against monkeypatched network classes, are reported like any other code.

    Resources stored on `self` are checked against every method of the class and of the
    classes of the same module it inherits from or that inherit from it; a base class from
    another module that releases the attribute is not seen (confidence medium).

    Module-level code is not checked: a resource opened there lives as long as the process.

    ## Fix safety
    There is no automatic fix. Use a `with` statement (for several resources, one `with`
    with several items, or `contextlib.ExitStack`). When the resource must outlive the
    function, return it, or store it on an object that closes it in its own `close()` /
    `__exit__`. Do not write `with open(p) as f: return f`: it returns a closed file. For
    sqlite3, `with contextlib.closing(sqlite3.connect(db)) as conn, conn:` closes the connection
    and keeps the transaction handling.

    ## References
    - [Python docs: Reading and writing files (`with`)](https://docs.python.org/3/tutorial/inputoutput.html#reading-and-writing-files)
    - [contextlib.ExitStack](https://docs.python.org/3/library/contextlib.html#contextlib.ExitStack),
      [contextlib.closing](https://docs.python.org/3/library/contextlib.html#contextlib.closing)
    - [Development mode: ResourceWarning](https://docs.python.org/3/library/devmode.html)
    - [sqlite3: how to use the connection context manager](https://docs.python.org/3/library/sqlite3.html#sqlite3-connection-context-manager)
    - Overlaps ruff `SIM115` (file-likes and tempfile only), flake8-simplify `SIM115` (bare
      `open` only), pylint `R1732` (`consider-using-with`), CodeQL `py/file-not-closed`,
      Semgrep `open-never-closed`. Unlike them, a `close()` in a `finally`, a returned or
      yielded resource, `ExitStack.enter_context`, `contextlib.closing` and `self.<attr>` closed
      by the class are not reported.
    """

    code = "LL401"
    requires = (CallNames, ModuleClasses)
    name = "resource-not-closed"
    message = "{resource} bound to {name} is never closed; it stays open until the garbage collector reclaims it"
    unprotected_message = "{resource} bound to {name} is not closed if an exception is raised before its release; release it in a with block or a finally"
    rebound_message = "{resource} bound to {name} is re-bound before it was closed, so the first one is never closed"
    sqlite_message = "{resource} bound to {name} is never closed; a with block on a sqlite3 connection only commits or rolls back"
    connect_message = "{resource} bound to {name} is not closed when {name}.{method}() fails; close it in an except handler (or a finally) around the call"
    pipes_message = "{resource} bound to {name}: its {streams} pipe{plural} never closed (wait() does not close pipes; communicate() or a with block does); each stays open until the garbage collector reclaims it"
    init_raise_message = "{resource} stored on self.{attr} is left open when __init__ raises after storing it: the half-made object is never returned, so nothing can close it"
    kept_message = "{resource} bound to {name} is handed to {callee}(), which keeps it on the new object and never closes it; it stays open as long as that object lives"
    cached_message = "{resource} bound to {name} is handed to {callee}(), which keeps it on the new object and closes it only in an ordinary method, not in close() or __exit__; the object is put in a class- or module-level cache, so the resource stays open until that method happens to run"
    gathered_message = "{resource} bound to {name} is made in a loop and kept in {container} across iterations; a later iteration that raises {raised} there leaves every one gathered so far open until the garbage collector reclaims them (close them in an except handler, or use contextlib.ExitStack)"
    close_gap_message = "{resource} bound to {name} is added to self.{attr}, which the class closes only in an except handler in {method}(); {late}() after that try can fail the same way and its error skips the handler, leaving the resource open until the garbage collector reclaims it"
    borrowed_message = "{resource} bound to {name} is handed to {callee}(), which only reads it and never closes it; it stays open until the garbage collector reclaims it"
    late_handoff_message = "{resource} bound to {name} is left open when {failure} before it is {how}; hand it on first, or close it in an except handler around that work"
    self_message = "{resource} stored on self.{attr} is never released by {cls}; no method of the class closes it"
    confidence = Confidence.HIGH
    fix_title = "Use a with block (or close it in a finally), or hand it to an owner that closes it"

    VALID = [
        Valid(
            """
            def read_config(path):
                with open(path) as fh:
                    return fh.read()
            """,
            id="with-statement",
        ),
        Valid(
            """
            def open_log(path):
                fh = open(path, "a")
                return fh
            """,
            id="returned",
        ),
        Valid(
            """
            import os
            import socket

            def make_pipe():
                r, w = socket.socketpair()
                return r, w

            def open_both(a, b):
                first = open(a)
                second = open(b)
                return [first, second]

            def open_logs(path):
                out = open(path + ".out", "w")
                err = open(path + ".err", "w")
                return {"out": out, "err": err}
            """,
            id="returned-in-tuple-list-dict",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import io

            def load(path):
                fp = open(path, "rb")  # LL401
                try:
                    fp.seek(0)
                except io.UnsupportedOperation:
                    fp = io.BytesIO(fp.read())
                data = fp.read()
                fp.close()
                return data
            """,
            id="rebound-only-in-an-except-handler-error-paths",
            options={"error-paths": True},
            confidence=Confidence.MEDIUM,
        ),
        Invalid(
            """
            import codecs
            import os
            import tokenize
            from io import open as io_open

            def read(path):
                fh = open(path)  # LL401
                return fh.read()

            def read_io(path):
                fh = io_open(path, "rb")  # LL401
                return fh.read()

            def read_codecs(path):
                fh = codecs.open(path, encoding="utf-8")  # LL401
                return fh.read()

            def read_fd(fd):
                fh = os.fdopen(fd)  # LL401
                return fh.read()

            def source(path):
                fh = tokenize.open(path)  # LL401
                return fh.read()
            """,
            id="files",
            confidence=Confidence.HIGH,
            message_contains="never closed",
        ),
    ]

    def __init__(self, context: Any, options: Any = None) -> None:
        super().__init__(context, options)
        self.functions: List[_Function] = []
        self.callnames: Dict[int, str] = self.fact(CallNames).names
        self.resources: Dict[int, Resource] = {}
        self.stored: List[_Stored] = []
        self.classes = self.fact(ModuleClasses)
        self.reported: Set[int] = set()
        self._swallowing: frozenset = frozenset()
        self._plain_tries: frozenset = frozenset()
        self.held = HeldFindings()  # findings wait for leave_Module: the `__main__` block's callees run once
        self.borrowers = Borrowers()
        self.pipes: Dict[int, FrozenSet[str]] = {}  # id(Popen call) -> streams given subprocess.PIPE
        self._late_memo: Dict[int, Any] = {}  # id(function) -> its source order (_late_handoff)

    def visit_Module(self, node: cst.Module) -> None:
        self.borrowers.add_module(node)

    # ------------------------------------------------------------------ traversal
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        cls, self_name = method_of(self.context, node)
        self.functions.append(_Function(node, self_name, cls))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        function = self.functions.pop()
        if function.has_resource and original_node.name.value not in ENTER_METHODS and not patched(original_node):
            if self.options.include_tests or not in_test_code(self.context):
                self._analyze(function)

    def visit_Call(self, node: cst.Call) -> None:
        resource = self.resolver.resource(node)
        if resource is not None:
            self.resources[id(node)] = resource
            if resource.qualified == POPEN:
                streams = piped_streams(self.context, node)
                if streams:
                    self.pipes[id(node)] = streams
            if self.functions:
                self.functions[-1].has_resource = True

    def leave_IfExp(self, original_node: cst.IfExp) -> None:
        # `body = '' if head else open(path)`: the name holds the resource on one arm, a
        # constant that owns nothing on the other
        for mine, other in ((original_node.body, original_node.orelse), (original_node.orelse, original_node.body)):
            resource = self.resources.get(id(mine))
            if resource is not None and isinstance(mine, cst.Call) and is_constant(other):
                self.resources[id(original_node)] = resource
                return

    def leave_Module(self, original_node: cst.Module) -> None:
        for node, fields in self.held.settle(self.context, original_node, self.options.error_paths):
            self.report(node, **fields)
        if not self.stored or not self.options.self_attributes:
            return
        released: Dict[int, Set[str]] = {}
        for stored in self.stored:
            if family_releases(stored.cls, stored.attr, self.classes.by_name, self.classes.outside, self.callnames, released):
                continue
            self.report(
                stored.node, message=self.self_message, confidence=Confidence.MEDIUM,
                resource=stored.resource.display, attr=stored.attr, cls=stored.cls.name.value,
            )

    def _defer(self, function: _Function, node: cst.CSTNode, error_path: bool = False, graded: bool = False, **fields: Any) -> bool:
        """Report `node` (once) at the end of the module, unless the code it is in runs once
        per process (`policy.HeldFindings`); `error_path`: a release an exception skips,
        `graded`: a judgement of a path or a callee."""
        if id(node) in self.reported:
            return True
        self.reported.add(id(node))
        top = self.functions[0] if self.functions else function
        # called from leave_FunctionDef, where the current scope is the one around the function
        outer = self.context.scope.qualname if self.context.scope is not None else ""
        qualname = f"{outer}.{function.node.name.value}" if outer else function.node.name.value
        self.held.hold(top.node.name.value if top.cls is None else None, qualname, node, fields, error_path, graded)
        return True

    # ------------------------------------------------------------------ one function
    def _analyze(self, function: _Function) -> None:
        names = names_bound_to(function.node, self.resources)
        walker = FlowWalker(
            names, self.resources, self.callnames, function.self_name,
            borrows=lambda call, arg: self.borrowers.lends(
                call, arg, function.node, function.self_name, function.cls, self.callnames
            ),
        )
        events = walker.run(function.node.body)
        self._swallowing = frozenset(walker.swallowing)
        self._plain_tries = frozenset(walker.plain_tries)
        for event in events:
            if event.kind == EventKind.DIRECT_SELF_STORE and function.cls is not None and not event.in_raises:
                self.stored.append(_Stored(function.cls, event.name, _made(event), event.detail))
                if function.node.name.value == "__init__" and function.self_name is not None:
                    self._judge_init_raise(function, event, _made(event))
        by_name = group_by_name([e for e in events if e.kind != EventKind.DIRECT_SELF_STORE])
        for name, name_events in by_name.items():
            if name in walker.nonlocal_names:
                continue
            for index, event in enumerate(name_events):
                if event.kind == EventKind.BIND_RESOURCE:
                    self._judge(function, name, name_events, index)

    def _judge(self, function: _Function, name: str, events: List[Event], index: int) -> None:
        bind = events[index]
        resource: Resource = bind.detail
        if bind.in_raises:
            return  # inside `with self.assertRaises(...)`: the resource is expected not to exist
        span, cut = live_span(events, index)
        if resource.qualified in CONNECTABLE:
            failing = unguarded_failure(
                bind, span, events[index + 1:], FAILING_CALLS, resource.releases, self._swallowing, FAIL_WHEN_CAUGHT
            )
            if failing is not None:
                self._defer(
                    function, _made(bind), message=self.connect_message, resource=resource.display, name=name,
                    method=failing.detail, graded=True,
                )
                return
        if any(e.kind in (EventKind.ESCAPE, EventKind.RELEASE_REF) for e in span):
            self._judge_passed_on(function, name, bind, span)
            self._judge_late_handoff(function, name, bind, span)
            return
        if resource.opens_with and not any(e.kind == EventKind.METHOD and e.detail in resource.opens_with for e in span):
            return  # `HTTPConnection(host)` never used: no socket was opened
        withs = [e for e in span if e.kind == EventKind.WITH]
        if withs and not resource.is_sqlite:
            return
        releases = [e for e in span if resource.released_by(e)]
        if cut is not None:
            releases += finally_releases_after(events, index, cut, resource.released_by)
        if cut is not None and cut.kind == EventKind.DEL and not releases:
            releases = [cut]  # `del f`: dropped on purpose (released at once on CPython)
        streams = self.pipes.get(id(_made(bind)))
        if streams and releases:
            missing = streams_left_open(function.node.body, name, bind, span, streams)
            if missing:
                self._defer(
                    function, _made(bind), message=self.pipes_message, resource=resource.display, name=name,
                    streams=" and ".join(missing), plural="s are" if len(missing) > 1 else " is", graded=True,
                )
                return
        if releases and protected(releases, bind, self._swallowing):
            return
        if resource.qualified in SELF_CLOSING_ITERATION and any(
            e.kind == EventKind.USE and e.detail in ("iterated", "consumed") for e in span
        ):
            return  # a FileInput read to the end closes its files
        stores = [e for e in span if e.kind == EventKind.SELF_STORE]
        if stores:
            self._judge_late_handoff(function, name, bind, span)
            if function.cls is not None:
                for store in stores:
                    self.stored.append(_Stored(function.cls, store.detail, store.node, resource))
            return
        call = _made(bind)
        if id(call) in self.reported:
            return
        fields = dict(resource=resource.display, name=name)
        if releases:
            if follows_at_once(bind, releases, self._plain_tries):
                self.reported.add(id(call))
                return
            if resource.qualified == POPEN:
                # a child whose wait() an exception skips is reaped by Popen's finaliser (and
                # its pipes are the pipes form's business): 0 real of 3 on the ecosystem corpus
                self.reported.add(id(call))
                return
            self._defer(function, call, error_path=True, message=self.unprotected_message, graded=True, **fields)
        elif cut is not None and cut.kind == EventKind.BIND_RESOURCE:
            if not rebound_only_when_empty(cut, bind, name, function.node):
                self._defer(function, call, message=self.rebound_message, **fields)
        elif withs:
            self._defer(function, call, message=self.sqlite_message, **fields)
        else:
            lent = [e for e in span if e.kind == EventKind.USE and e.detail in ("kept unclosed", "kept cached")]
            lent = lent or [e for e in span if e.kind == EventKind.USE and e.detail == "borrowed"]
            if lent:
                messages = {"kept cached": self.cached_message, "kept unclosed": self.kept_message}
                found = call_taking(lent[0].statement, lent[0].node) if lent[0].statement is not None else None
                callee = (dotted_name(found.func) if found is not None else "") or "a function"
                self._defer(function, call, message=messages.get(lent[0].detail, self.borrowed_message), callee=callee, **fields)
            else:
                self._defer(function, call, **fields)

    def _judge_late_handoff(self, function: _Function, name: str, bind: Event, span: List[Event]) -> None:
        """Handed on (stored, returned, wrapped) only after a call that can fail (_late_handoff)."""
        found = late_handoff(function.node, name, bind, span, self._late_memo)
        if found is not None:
            self._defer(function, _made(bind), error_path=True, message=self.late_handoff_message, graded=True,
                        resource=bind.detail.display, name=name, failure=failure_text(found[0]), how=handoff_text(found[1]))

    def _judge_passed_on(self, function: _Function, name: str, bind: Event, span: List[Event]) -> None:
        """A resource passed on (stored, wrapped, handed over) can still leak on an error path:
        made in a loop and kept in a container of the function across iterations, with a
        `raise` in the loop and no `try` around (`flow.gathered_in_loop`: the iteration that
        raises drops every resource gathered before it); or added to a close-on-error list of
        the object (`self._to_close.append(f)`) that the class closes only in an except
        handler whose `try` leaves out a later call on the guarded object
        (`classes.close_on_error_gap_in`: `parser.finalize()` after a try around
        `parser.write()`, whose error skips the handler)."""
        found = gathered_in_loop(function.node, name, bind, span)
        if found is not None:
            container, raised = found
            self._defer(
                function, _made(bind), message=self.gathered_message, resource=bind.detail.display, name=name,
                container=container,
                raised=dotted_name(raised.exc.func if isinstance(raised.exc, cst.Call) else raised.exc) or "an exception",
                graded=True,
            )
            return
        cls, self_name = function.cls, function.self_name
        if cls is None or self_name is None:
            return
        attr = attr_container_of(function.node, self_name, name)
        if attr is None:
            return
        gap = close_on_error_gap_in(cls, self_name, attr)
        if gap is None:
            return
        method, receiver, late = gap
        self._defer(
            function, _made(bind), message=self.close_gap_message, resource=bind.detail.display, name=name, attr=attr,
            method=method.name.value, late=dotted_name(late.func) or receiver, graded=True,
        )

    def _judge_init_raise(self, function: _Function, event: Event, node: cst.CSTNode) -> None:
        """`self.fh = open(p)` at the top of `__init__`, then a `raise` with no release of
        `self.fh` before it (`_init_raise`): the caller never gets the object, so nobody can
        close the resource."""
        found = raise_after_store(
            function.node, function.cls, event, function.self_name or "self",
            lambda call: self.borrowers.callee_raises(call, function.self_name, function.cls),
        )
        if found is not None:
            self._defer(
                function, node, message=self.init_raise_message, resource=event.detail.display, attr=event.name,
                graded=True,
            )
