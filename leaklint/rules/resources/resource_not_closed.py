from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.borrow import Borrowers, cached_in_shared_holder, lifecycle_method
from ...analysis.expr import dotted_name
from ...analysis.flow import (
    Escape,
    Event,
    EventKind,
    FlowWalker,
    closeish,
    exclusive,
    follows_at_once,
    close_on_error_gap,
    gathered_across_iterations,
    is_handler_arm,
    protected,
)
from ...matchers import first_param, is_instance_method
from ...policy import in_test_code, is_injected_double, once_per_process, patched
from ...types import Confidence, Invalid, Valid
from ._common import (
    READ_TO_END,
    READ_TO_EOF_CLOSES,
    CONSUMERS,
    HANDOFF_FUNCTIONS,
    HANDOFF_METHODS,
    RELEASE_ALL,
    SELF_CLOSING_ITERATION,
    Resource,
    ResourceRule,
)
from ...traverse import children
from ._late_handoff import failure_text, handoff_text, late_handoff

ENTER_METHODS = frozenset({"__enter__", "__aenter__"})
# Bases from other modules known not to release their subclasses' attributes: a class built on
# them must release what it stores itself.
NON_RELEASING_BASES = frozenset(
    {
        "builtins.object", "object", "unittest.TestCase", "unittest.case.TestCase",
        "unittest.IsolatedAsyncioTestCase", "abc.ABC", "typing.Generic", "typing.Protocol",
        "threading.Thread", "builtins.Exception", "builtins.dict", "builtins.list",
    }
)
BIND_KINDS = frozenset({EventKind.BIND, EventKind.BIND_RESOURCE, EventKind.DEL})


@dataclass
class _Function:
    node: cst.FunctionDef
    self_name: Optional[str]
    cls: Optional[cst.ClassDef]
    names: Set[str] = field(default_factory=set)
    has_resource: bool = False


def _in_a_handler_the_binding_is_not_in(event: Event, bind: Event) -> bool:
    common = 0
    for a, b in zip(event.frames, bind.frames):
        if a != b:
            break
        common += 1
    return any(kind == "try" and is_handler_arm(arm) for kind, _, arm in event.frames[common:])


POPEN = "subprocess.Popen"
# sockets made unconnected, and the calls on them that fail in practice (refused, unreachable,
# address in use)
CONNECTABLE = frozenset({"socket.socket"})
FAILING_CALLS = frozenset({"connect", "bind", "listen"})
PIPE_STREAMS = ("stdin", "stdout", "stderr")


def _streams_handled(body: cst.CSTNode, name: str) -> Set[str]:
    """Streams of `name` (`name.stdout` ...) that the function closes or hands on: any use
    other than calling a reading or writing method on it, iterating it or testing it."""
    out: Set[str] = set()

    def visit(node: cst.CSTNode, parent: Optional[cst.CSTNode], grand: Optional[cst.CSTNode]) -> None:
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == name
            and node.attr.value in PIPE_STREAMS
        ):
            stream = node.attr.value
            if isinstance(parent, cst.Attribute) and parent.value is node:
                method = parent.attr.value
                if method in ("close", "__exit__", "detach") or not isinstance(grand, cst.Call):
                    out.add(stream) if method in ("close", "__exit__", "detach") else None
                return  # `proc.stdout.readline()`, `proc.stdout.fileno()`: a read
            if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
                return
            if isinstance(parent, (cst.If, cst.While, cst.Comparison, cst.UnaryOperation, cst.BooleanOperation)):
                return
            out.add(stream)  # handed on, stored, returned, entered: someone else's to close
            return
        for child in children(node):
            visit(child, node, parent)

    visit(body, None, None)
    return out


def _unreleased_raise(
    statements: List[cst.CSTNode], self_name: str, attr: str, raises: Callable[[cst.Call], bool] = lambda call: False
) -> Optional[cst.CSTNode]:
    """The first `raise` reached in `statements` (and the blocks of their if / for / while /
    with) before a release of `self.<attr>`, or the first call that `raises` says raises (a
    function of the module or a method of the class whose body raises); statements inside a
    `try` are skipped (a handler may release it), as are nested definitions."""
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            if _releases_attr(statement, self_name, attr):
                return None
            for small in statement.body:
                if isinstance(small, cst.Raise):
                    return small
                call = _first_call(small, raises)
                if call is not None:
                    return call
            continue
        if isinstance(statement, (cst.Try, cst.TryStar, cst.FunctionDef, cst.ClassDef)):
            if _releases_attr(statement, self_name, attr):
                return None
            continue
        if _releases_attr(getattr(statement, "test", None) or cst.Pass(), self_name, attr):
            return None
        for block in _blocks(statement):
            found = _unreleased_raise(list(block.body) if isinstance(block, cst.IndentedBlock) else [], self_name, attr, raises)
            if found is not None:
                return found
        if _releases_attr(statement, self_name, attr):
            return None  # released inside one of its blocks: what follows is not judged
    return None


def _first_call(node: cst.CSTNode, pick: Callable[[cst.Call], bool]) -> Optional[cst.Call]:
    """The first call under `node` (outside lambdas) that `pick` accepts."""
    if isinstance(node, cst.Lambda):
        return None
    if isinstance(node, cst.Call) and pick(node):
        return node
    for child in children(node):
        found = _first_call(child, pick)
        if found is not None:
            return found
    return None


def _self_container_of(func: cst.FunctionDef, self_name: str, name: str) -> Optional[str]:
    """`self.<attr>.append(name)` (or `add`) in `func`: the attribute."""
    stack: List[cst.CSTNode] = [func.body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in ("append", "add")
            and isinstance(node.func.value, cst.Attribute)
            and isinstance(node.func.value.value, cst.Name)
            and node.func.value.value.value == self_name
            and len(node.args) == 1
            and isinstance(node.args[0].value, cst.Name)
            and node.args[0].value.value == name
        ):
            return node.func.value.attr.value
        stack.extend(children(node))
    return None


def _find_node(root: cst.CSTNode, ident: int) -> Optional[cst.CSTNode]:
    if id(root) == ident:
        return root
    for child in children(root):
        found = _find_node(child, ident)
        if found is not None:
            return found
    return None


def _assigned_names(func: cst.FunctionDef) -> Set[str]:
    """Names the function binds by plain assignment (nested scopes excluded)."""
    out: Set[str] = set()
    stack: List[cst.CSTNode] = [func.body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(node, cst.Assign):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    out.add(target.target.value)
        elif isinstance(node, cst.AnnAssign) and isinstance(node.target, cst.Name):
            out.add(node.target.value)
        stack.extend(children(node))
    return out


def _blocks(statement: cst.CSTNode) -> List[cst.CSTNode]:
    out: List[cst.CSTNode] = []
    body = getattr(statement, "body", None)
    if isinstance(body, cst.IndentedBlock):
        out.append(body)
    orelse = getattr(statement, "orelse", None)
    while orelse is not None:
        if isinstance(orelse, cst.If):
            out.append(orelse.body)
            orelse = orelse.orelse
        else:
            out.append(orelse.body)
            orelse = None
    return out


def _releases_attr(node: cst.CSTNode, self_name: str, attr: str) -> bool:
    """Whether `node` mentions `self.<attr>` other than by reading through a method call
    (a release, a hand-over: anything that may close or move it)."""
    found = False

    def visit(current: cst.CSTNode, parent: Optional[cst.CSTNode], grand: Optional[cst.CSTNode]) -> None:
        nonlocal found
        if found:
            return
        if (
            isinstance(current, cst.Attribute)
            and isinstance(current.value, cst.Name)
            and current.value.value == self_name
            and current.attr.value == attr
        ):
            if isinstance(parent, cst.Attribute) and parent.value is current and isinstance(grand, cst.Call):
                if parent.attr.value in RELEASE_ALL or closeish(parent.attr.value):
                    found = True
                return
            if isinstance(parent, cst.Attribute) and parent.value is current:
                return
            if isinstance(parent, cst.Arg):
                found = True  # handed to a call: perhaps closed there
            return
        for child in children(current):
            visit(child, current, parent)

    visit(node, None, None)
    return found


def _owns_nothing(node: cst.CSTNode) -> bool:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)):
        return True
    return isinstance(node, cst.Name) and node.value in ("None", "False", "True")


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
        self.callnames: Dict[int, str] = {}
        self.resources: Dict[int, Resource] = {}
        self.stored: List[_Stored] = []
        self.classes: Dict[str, List[cst.ClassDef]] = defaultdict(list)
        self.external_bases: Dict[int, bool] = {}
        self.reported: Set[int] = set()
        self._swallowing: frozenset = frozenset()
        self._plain_tries: frozenset = frozenset()
        # findings wait for leave_Module: a function the `__main__` block calls runs once
        self.pending: List[Tuple[Optional[str], cst.CSTNode, Dict[str, Any], str, bool]] = []
        self.borrowers = Borrowers()
        self.pipes: Dict[int, FrozenSet[str]] = {}  # id(Popen call) -> streams given subprocess.PIPE
        self._late_memo: Dict[int, Any] = {}  # id(function) -> its source order (_late_handoff)

    def visit_Module(self, node: cst.Module) -> None:
        self.borrowers.add_module(node)

    # ------------------------------------------------------------------ traversal
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes[node.name.value].append(node)
        external = False
        for arg in node.bases:
            text = dotted_name(arg.value)
            qualified = self.context.qualified_name(arg.value)
            if qualified is None and "." not in text and self.context.lookup(text) == "":
                continue  # a class of this module
            if (qualified or text) not in NON_RELEASING_BASES:
                external = True
        self.external_bases[id(node)] = external

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.context
        self_name = None
        cls = None
        if ctx.scope.kind == "class" and isinstance(ctx.scope.node, cst.ClassDef):
            cls = ctx.scope.node
            if is_instance_method(ctx, node):
                self_name = first_param(node)
        self.functions.append(_Function(node, self_name, cls))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        function = self.functions.pop()
        if function.has_resource and original_node.name.value not in ENTER_METHODS and not patched(original_node):
            if self.options.include_tests or not in_test_code(self.context):
                self._analyze(function)

    def visit_Call(self, node: cst.Call) -> None:
        qn = self.context.call_name(node)
        if qn is not None:
            self.callnames[id(node)] = qn
        resource = self.resolver.resource(node)
        if resource is not None:
            self.resources[id(node)] = resource
            if resource.qualified == POPEN:
                streams = self._piped_streams(node)
                if streams:
                    self.pipes[id(node)] = streams
            if self.functions:
                self.functions[-1].has_resource = True

    def leave_IfExp(self, original_node: cst.IfExp) -> None:
        # `body = '' if head else open(path)`: the name holds the resource on one arm, a
        # constant that owns nothing on the other
        for mine, other in ((original_node.body, original_node.orelse), (original_node.orelse, original_node.body)):
            resource = self.resources.get(id(mine))
            if resource is not None and isinstance(mine, cst.Call) and _owns_nothing(other):
                self.resources[id(original_node)] = resource
                return

    def leave_Module(self, original_node: cst.Module) -> None:
        once = once_per_process(original_node)
        project = self.context.project
        for top, node, fields, qualname, error_path in self.pending:
            if top in once:
                continue
            # the lifetime model of the project, when the run has one: code that runs once per
            # process is released at exit; the error-path form (a close that an exception
            # skips), off by default, is reported where the model says the code repeats
            runs = project.scope_multiplicity(self.context.module, qualname) if project is not None else None
            if runs is not None and runs.value == "once":
                continue
            if error_path and not self.options.error_paths and (runs is None or runs.value != "repeated"):
                # by default only where the model shows the code repeats: where it cannot tell,
                # 2 real of 5 on the ecosystem corpus (test-database set-up, a loopback pair)
                continue
            if fields.pop("graded", False):
                # the forms that judge a path or a callee: high where the model shows repeated code
                fields["confidence"] = Confidence.HIGH if runs is not None and runs.value == "repeated" else Confidence.MEDIUM
            self.report(node, **fields)
        if not self.stored or not self.options.self_attributes:
            return
        released: Dict[int, Set[str]] = {}
        for stored in self.stored:
            if self._family_releases(stored.cls, stored.attr, released):
                continue
            self.report(
                stored.node,
                message=self.self_message,
                confidence=Confidence.MEDIUM,
                resource=stored.resource.display,
                attr=stored.attr,
                cls=stored.cls.name.value,
            )

    def _defer(self, function: _Function, node: cst.CSTNode, error_path: bool = False, **fields: Any) -> None:
        """Report at the end of the module, unless the module-level function the finding is
        in turns out to run once per process (`main()`, or called from the `__main__` block,
        or what the project's lifetime model says runs once)."""
        top = self.functions[0] if self.functions else function
        # called from leave_FunctionDef, where the current scope is the one around the function
        outer = self.context.scope.qualname if self.context.scope is not None else ""
        qualname = f"{outer}.{function.node.name.value}" if outer else function.node.name.value
        self.pending.append((top.node.name.value if top.cls is None else None, node, fields, qualname, error_path))

    # ------------------------------------------------------------------ one function
    def _analyze(self, function: _Function) -> None:
        names = self._bound_names(function.node)
        walker = FlowWalker(
            names, self.resources, self.callnames, function.self_name,
            borrows=lambda call, arg: self._lends(function, call, arg),
        )
        events = walker.run(function.node.body)
        self._swallowing = frozenset(walker.swallowing)
        self._plain_tries = frozenset(walker.plain_tries)
        by_name: Dict[str, List[Event]] = defaultdict(list)
        for event in events:
            if event.kind == EventKind.DIRECT_SELF_STORE:
                if function.cls is not None and not event.in_raises:
                    node = getattr(event.node, "value", event.node)
                    self.stored.append(_Stored(function.cls, event.name, node, event.detail))
                    if function.node.name.value == "__init__" and function.self_name is not None:
                        self._judge_init_raise(function, event, node)
                continue
            by_name[event.name].append(event)
        for name, name_events in by_name.items():
            if name in walker.nonlocal_names:
                continue
            for index, event in enumerate(name_events):
                if event.kind == EventKind.BIND_RESOURCE:
                    self._judge(function, name, name_events, index)

    def _bound_names(self, node: cst.FunctionDef) -> Set[str]:
        """Names assigned a catalogue call somewhere in the function (nested defs excluded)."""
        out: Set[str] = set()
        stack: List[cst.CSTNode] = [node.body]
        while stack:
            current = stack.pop()
            if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                continue
            if isinstance(current, (cst.Assign, cst.AnnAssign, cst.NamedExpr)):
                value = current.value
                if value is not None and id(value) in self.resources:
                    targets = (
                        [t.target for t in current.targets] if isinstance(current, cst.Assign) else [current.target]
                    )
                    for target in targets:
                        if isinstance(target, cst.Name):
                            out.add(target.value)
                        elif isinstance(target, (cst.Tuple, cst.List)):
                            for element in target.elements:
                                if isinstance(element.value, cst.Name):
                                    out.add(element.value.value)
            stack.extend(children(current))
        return out

    def _judge(self, function: _Function, name: str, events: List[Event], index: int) -> None:
        bind = events[index]
        resource: Resource = bind.detail
        if bind.in_raises:
            return  # inside `with self.assertRaises(...)`: the resource is expected not to exist
        span: List[Event] = []
        cut: Optional[Event] = None
        for event in events[index + 1:]:
            if exclusive(bind, event):
                continue
            if event.kind in BIND_KINDS:
                if _in_a_handler_the_binding_is_not_in(event, bind):
                    # `except UnsupportedOperation: fp = io.BytesIO(fp.read())`: the path that
                    # does not fail goes on with the first resource
                    continue
                cut = event
                break
            span.append(event)
        loops = bind.loops()
        if loops:
            outer = loops[0]
            for event in events[:index]:
                if outer in event.loops() and event.kind not in BIND_KINDS and not exclusive(bind, event):
                    span.append(event)
        if resource.qualified in CONNECTABLE and self._left_open_on_failed_connect(function, name, bind, span, events[index + 1:]):
            return
        if any(e.kind in (EventKind.ESCAPE, EventKind.RELEASE_REF) for e in span):
            if not self._judge_gathered(function, name, bind, span):
                self._judge_close_on_error(function, name, bind)
            self._judge_late_handoff(function, name, bind, span)
            return
        if resource.opens_with and not any(e.kind == EventKind.METHOD and e.detail in resource.opens_with for e in span):
            return  # `HTTPConnection(host)` never used: no socket was opened
        withs = [e for e in span if e.kind == EventKind.WITH]
        if withs and not resource.is_sqlite:
            return
        reads_to_end_closes = resource.qualified in READ_TO_EOF_CLOSES

        def is_release(e: Event) -> bool:
            return e.kind == EventKind.RELEASE or (
                e.kind == EventKind.METHOD
                and (
                    e.detail in resource.releases
                    or e.detail in ("__exit__", "__aexit__")
                    or (reads_to_end_closes and e.detail == READ_TO_END)  # an HTTP response closes at EOF
                )
            )

        releases = [e for e in span if is_release(e)]
        if cut is not None:
            # `f = open(a)` ... `f = open(b)` in one try body whose `finally` closes `f`: the
            # finally closes whichever is bound when the body fails
            tries = {ident for kind, ident, arm in cut.frames if kind == "try" and arm == "body"}
            releases += [
                e
                for e in events[index + 1:]
                if e.order > cut.order
                and is_release(e)
                and any(kind == "try" and arm == "finally" and ident in tries for kind, ident, arm in e.frames)
            ]
        if cut is not None and cut.kind == EventKind.DEL and not releases:
            releases = [cut]  # `del f`: dropped on purpose (released at once on CPython)
        streams = self.pipes.get(id(getattr(bind.node, "value", bind.node)))
        if streams and releases and self._pipes_left_open(function, name, bind, span, streams):
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
        call = getattr(bind.node, "value", bind.node)
        if id(call) in self.reported:
            return
        self.reported.add(id(call))
        if releases:
            if follows_at_once(bind, releases, self._plain_tries):
                return
            if resource.qualified == POPEN:
                # a child whose wait() an exception skips is reaped by Popen's finaliser (and
                # its pipes are the pipes form's business): 0 real of 3 on the ecosystem corpus
                return
            self._defer(function, call, error_path=True, message=self.unprotected_message, graded=True, resource=resource.display, name=name)
        elif cut is not None and cut.kind == EventKind.BIND_RESOURCE:
            self._defer(function, call, message=self.rebound_message, resource=resource.display, name=name)
        elif withs:
            self._defer(function, call, message=self.sqlite_message, resource=resource.display, name=name)
        else:
            kept = [e for e in span if e.kind == EventKind.USE and e.detail in ("kept unclosed", "kept cached")]
            lent = [e for e in span if e.kind == EventKind.USE and e.detail == "borrowed"]
            if kept:
                callee = self._callee_name(kept[0])
                message = self.cached_message if kept[0].detail == "kept cached" else self.kept_message
                self._defer(function, call, message=message, resource=resource.display, name=name, callee=callee)
            elif lent:
                callee = self._callee_name(lent[0])
                self._defer(function, call, message=self.borrowed_message, resource=resource.display, name=name, callee=callee)
            else:
                self._defer(function, call, resource=resource.display, name=name)

    def _judge_late_handoff(self, function: _Function, name: str, bind: Event, span: List[Event]) -> None:
        """Handed on (stored, returned, wrapped) only after a call that can fail (_late_handoff)."""
        found = late_handoff(function.node, name, bind, span, self._late_memo)
        call = getattr(bind.node, "value", bind.node)
        if found is not None and id(call) not in self.reported:
            self.reported.add(id(call))
            self._defer(function, call, error_path=True, message=self.late_handoff_message, graded=True,
                        resource=bind.detail.display, name=name, failure=failure_text(found[0]), how=handoff_text(found[1]))

    def _judge_gathered(self, function: _Function, name: str, bind: Event, span: List[Event]) -> bool:
        """A resource made in a loop and kept in a container of the function across iterations
        (directly or through a wrapper), with a `raise` in the loop and no `try` around: the
        iteration that raises drops every resource gathered before it."""
        loops = bind.loops()
        if not loops or any(kind == "try" for kind, _, _ in bind.frames):
            return
        escapes = [e for e in span if e.kind == EventKind.ESCAPE]
        if not escapes or any(
            e.escape not in (Escape.WRAP, Escape.STORE) or e.detail in ("task", "released in a loop") for e in escapes
        ):
            return
        locals_ = _assigned_names(function.node)
        found = None
        for ident in reversed(loops):  # the innermost loop first
            loop = _find_node(function.node.body, ident)
            found = gathered_across_iterations(loop, name, lambda n: n in locals_) if loop is not None else None
            if found is not None:
                break
        if found is None:
            return False
        call = getattr(bind.node, "value", bind.node)
        if id(call) in self.reported:
            return True
        self.reported.add(id(call))
        container, raised = found
        self._defer(
            function, call, message=self.gathered_message, resource=bind.detail.display, name=name,
            container=container,
            raised=dotted_name(raised.exc.func if isinstance(raised.exc, cst.Call) else raised.exc) or "an exception",
            graded=True,
        )
        return True

    def _judge_close_on_error(self, function: _Function, name: str, bind: Event) -> None:
        """A resource added to a close-on-error list of the object (`self._to_close.append(f)`)
        that the class closes only in an except handler, in a method where a call after that
        try continues the guarded work (`parser.finalize()` after a try around
        `parser.write()`): an error there skips the handler."""
        cls, self_name = function.cls, function.self_name
        if cls is None or self_name is None:
            return
        attr = _self_container_of(function.node, self_name, name)
        if attr is None:
            return
        self_names = {self_name}
        methods = [item for item in cls.body.body if isinstance(item, cst.FunctionDef)]
        for method in methods:
            first = first_param(method)
            if first:
                self_names.add(first)

        def holder(node: cst.CSTNode) -> bool:
            return (
                isinstance(node, cst.Attribute)
                and isinstance(node.value, cst.Name)
                and node.value.value in self_names
                and node.attr.value == attr
            )

        gap = None
        for method in methods:
            found, elsewhere = close_on_error_gap(method, holder)
            if elsewhere:
                return
            if found is not None and gap is None:
                gap = (method, found)
        if gap is None:
            return
        method, (receiver, late) = gap
        call = getattr(bind.node, "value", bind.node)
        if id(call) in self.reported:
            return
        self.reported.add(id(call))
        late_name = dotted_name(late.func) or receiver
        self._defer(
            function, call, message=self.close_gap_message, resource=bind.detail.display, name=name, attr=attr,
            method=method.name.value, late=late_name, graded=True,
        )

    def _lends(self, function: _Function, call: cst.Call, arg: cst.Arg) -> Optional[str]:
        """Whether a call leaves the resource passed as `arg` in the caller's hands: the callee
        only reads it ("borrowed"), or it is a class of this module whose `__init__` keeps it
        on `self` and that no method releases ("kept unclosed")."""
        if self.borrowers.borrows(call, arg, function.self_name, function.cls):
            return "borrowed"
        cls_name = None
        node = function.node
        if function.cls is not None and any(
            isinstance(d.decorator, cst.Name) and d.decorator.value == "classmethod" for d in node.decorators
        ):
            cls_name = first_param(node)
        klass = self.borrowers.constructed_class(call, function.cls, cls_name)
        if klass is None:
            return None
        attrs = self.borrowers.kept_attributes(klass, call, arg)
        if not attrs:
            return None
        released = released_attrs(klass, self.callnames)
        if "*" in released:
            return None
        if attrs & released:
            # released by some method; when only an ordinary one (`tokenize()`, not `close()` /
            # `__exit__`) releases it and the new object goes into a class- or module-level
            # cache, nothing ends the object's use: the resource stays open until that method
            # happens to run
            lifecycle = klass.with_changes(
                body=klass.body.with_changes(
                    body=[
                        item for item in klass.body.body
                        if not isinstance(item, cst.FunctionDef) or lifecycle_method(item.name.value)
                    ]
                )
            )
            if attrs & released_attrs(lifecycle, self.callnames):
                return None
            if not cached_in_shared_holder(function.node, call, cls_name):
                return None
            return "kept cached"
        if any(isinstance(item, cst.FunctionDef) and item.name.value == "__del__" for item in klass.body.body):
            return None
        return "kept unclosed"

    # ------------------------------------------------------------------ failed connect
    def _left_open_on_failed_connect(self, function: _Function, name: str, bind: Event, span: List[Event], after: List[Event]) -> bool:
        """`sock = socket.socket(...)` then `sock.connect(addr)` (or a bind / listen whose
        failure is caught) before the socket is released or handed on, with no release in a
        handler or `finally` of a try around that call: a refused or unreachable peer leaves
        the socket open, once per failed attempt, even when the socket is returned on success."""
        for event in span:
            if event.kind in (EventKind.ESCAPE, EventKind.RELEASE_REF, EventKind.RELEASE, EventKind.WITH):
                return False
            if event.kind == EventKind.METHOD and event.detail in bind.detail.releases:
                return False
            if event.kind == EventKind.METHOD and event.detail in FAILING_CALLS:
                failing = event
                break
        else:
            return False
        if not any(
            e.kind in (EventKind.RELEASE, EventKind.RELEASE_REF, EventKind.ESCAPE, EventKind.WITH, EventKind.SELF_STORE)
            or (e.kind == EventKind.METHOD and e.detail in bind.detail.releases)
            for e in after
        ):
            return False  # never released nor handed on at all: the plain "never closed" finding
        releases = [
            e for e in span
            if e.kind == EventKind.RELEASE or (e.kind == EventKind.METHOD and e.detail in bind.detail.releases)
        ]
        if releases and protected(releases, bind, self._swallowing):
            return False  # a finally, or after a try that swallows every error
        guards = {ident for kind, ident, arm in failing.frames if kind == "try" and arm == "body"}
        if failing.detail != "connect" and not guards:
            # a bind / listen that fails uncaught aborts a server's start-up (once per process
            # in practice); it matters where the failure is caught and the code goes on
            return False
        for event in after:  # the handlers of a try the binding is in count too
            releasing = event.kind in (EventKind.RELEASE, EventKind.RELEASE_REF) or (
                event.kind == EventKind.METHOD and event.detail in bind.detail.releases
            )
            if releasing and any(kind == "try" and ident in guards and arm != "body" for kind, ident, arm in event.frames):
                return False  # closed (or handed on) in a handler or finally of a try around the call
        call = getattr(bind.node, "value", bind.node)
        if id(call) in self.reported:
            return True
        self.reported.add(id(call))
        self._defer(
            function, call, message=self.connect_message, resource=bind.detail.display, name=name,
            method=failing.detail, graded=True,
        )
        return True

    # ------------------------------------------------------------------ Popen pipes
    def _piped_streams(self, call: cst.Call) -> FrozenSet[str]:
        """The standard streams a Popen call connects to a pipe: `stdout=PIPE`, a local bound
        to PIPE on some path (`pipe = None if debug else PIPE`), or a local dict of keywords
        passed as `**kwargs`."""
        out: Set[str] = set()
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in PIPE_STREAMS:
                if self._is_pipe(arg.value, 3):
                    out.add(arg.keyword.value)
            elif arg.star == "**" and isinstance(arg.value, cst.Name):
                binding = self.context.binding(arg.value.value)
                while binding is not None:
                    value = binding.value
                    if isinstance(value, cst.Dict):
                        for element in value.elements:
                            key = getattr(element, "key", None)
                            if isinstance(key, cst.SimpleString) and key.evaluated_value in PIPE_STREAMS:
                                if self._is_pipe(element.value, 3):
                                    out.add(str(key.evaluated_value))
                    binding = binding.previous
        return frozenset(out)

    def _is_pipe(self, expr: cst.CSTNode, depth: int) -> bool:
        if self.context.qualified_name(expr) == "subprocess.PIPE":
            return True
        if isinstance(expr, cst.IfExp):
            return self._is_pipe(expr.body, depth) or self._is_pipe(expr.orelse, depth)
        if isinstance(expr, cst.Name) and depth > 0 and self.context.is_local(expr.value):
            binding = self.context.binding(expr.value)
            while binding is not None:
                if binding.value is not None and binding.value is not expr and self._is_pipe(binding.value, depth - 1):
                    return True
                binding = binding.previous
        return False

    def _pipes_left_open(self, function: _Function, name: str, bind: Event, span: List[Event], streams: FrozenSet[str]) -> bool:
        """Report a Popen released (waited on) while some of its pipes are never closed:
        `communicate()` on every path after the binding and `with proc:` close them all,
        `proc.stdout.close()` (anywhere) or handing `proc.stdout` on closes or moves one."""
        for event in span:
            if event.kind == EventKind.METHOD and event.detail == "communicate":
                # on every path after the binding: no branch, loop or handler the binding is not in
                extra = [f for f in event.frames if f not in bind.frames]
                if all(kind in ("try", "with") and arm in ("body", "finally") for kind, _, arm in extra):
                    return False
        handled = _streams_handled(function.node.body, name)
        missing = sorted(streams - handled, key=PIPE_STREAMS.index)
        if not missing:
            return False
        call = getattr(bind.node, "value", bind.node)
        if id(call) in self.reported:
            return True
        self.reported.add(id(call))
        self._defer(
            function, call, message=self.pipes_message, resource=bind.detail.display, name=name,
            streams=" and ".join(missing), plural="s are" if len(missing) > 1 else " is", graded=True,
        )
        return True

    # ------------------------------------------------------------------ __init__ that raises
    def _judge_init_raise(self, function: _Function, event: Event, node: cst.CSTNode) -> None:
        """`self.fh = open(p)` in `__init__`, then a `raise` with no release of `self.fh`
        before it: the caller never gets the object, so nobody can close the resource."""
        body = function.node.body
        statements = list(body.body) if isinstance(body, cst.IndentedBlock) else []
        statement = next(
            (s for s in statements if s is event.statement or (isinstance(s, cst.SimpleStatementLine) and event.statement in s.body)),
            None,
        )
        if statement is None or event.frames:
            return  # stored at the top of __init__ only (not in a branch, a loop or a try)
        cls = function.cls
        if cls is not None and any(
            isinstance(item, cst.FunctionDef) and item.name.value == "__del__" for item in cls.body.body
        ):
            return  # the finaliser runs on the half-made object too
        found = _unreleased_raise(
            statements[statements.index(statement) + 1:], function.self_name or "self", event.name,
            lambda call: self.borrowers.callee_raises(call, function.self_name, cls),
        )
        if found is None or id(node) in self.reported:
            return
        self.reported.add(id(node))
        self._defer(
            function, node, message=self.init_raise_message, resource=event.detail.display, attr=event.name,
            graded=True,
        )

    @staticmethod
    def _callee_name(event: Event) -> str:
        node = event.statement
        found = ""

        def visit(current: cst.CSTNode) -> None:
            nonlocal found
            if found:
                return
            if isinstance(current, cst.Call) and any(a.value is event.node for a in current.args):
                found = dotted_name(current.func) or "a function"
                return
            for child in children(current):
                visit(child)

        if node is not None:
            visit(node)
        return found or "a function"

    # ------------------------------------------------------------------ classes
    def _family_releases(self, cls: cst.ClassDef, attr: str, cache: Dict[int, Set[str]]) -> bool:
        family = self._family(cls)
        if any(self.external_bases.get(id(member)) for member in family):
            return True  # a base class from another module may release it
        for member in family:
            key = id(member)
            if key not in cache:
                cache[key] = released_attrs(member, self.callnames)
            if attr in cache[key] or "*" in cache[key]:
                return True
        return False

    def _family(self, cls: cst.ClassDef) -> List[cst.ClassDef]:
        def bases(node: cst.ClassDef) -> List[cst.ClassDef]:
            out = []
            for arg in node.bases:
                name = dotted_name(arg.value).rsplit(".", 1)[-1]
                out.extend(c for c in self.classes.get(name, ()) if c is not node)
            return out

        # the connected component of the module's inheritance graph: ancestors, descendants,
        # and the other bases of descendants (mixins that close what a sibling opened)
        family: List[cst.ClassDef] = [cls]
        changed = True
        while changed:
            changed = False
            for group in self.classes.values():
                for other in group:
                    if other in family:
                        for base in bases(other):
                            if base not in family:
                                family.append(base)
                                changed = True
                    elif any(b in family for b in bases(other)):
                        family.append(other)
                        changed = True
        return family


def _wrapped_in_place(statement: cst.CSTNode, call: cst.CSTNode, attr: str, self_names: Set[str]) -> bool:
    """`self.<attr> = Wrapper(self.<attr>, ...)`: the call's result goes back into the attribute
    it was handed, so the attribute still holds the resource (now through its wrapper) and
    handing it to the call released nothing."""
    if not isinstance(statement, cst.Assign) or statement.value is not call:
        return False
    return any(
        isinstance(t.target, cst.Attribute)
        and isinstance(t.target.value, cst.Name)
        and t.target.value.value in self_names
        and t.target.attr.value == attr
        for t in statement.targets
    )


def released_attrs(cls: cst.ClassDef, callnames: Dict[int, str]) -> Set[str]:
    """Attributes of `self` that some method of `cls` releases, hands over or gives away;
    "*" when the class reaches its attributes dynamically (getattr, vars, __dict__)."""
    self_names = {"self"}
    for statement in cls.body.body:
        if isinstance(statement, cst.FunctionDef):
            name = first_param(statement)
            if name:
                self_names.add(name)
    released: Set[str] = set()
    aliases: Dict[str, Set[str]] = defaultdict(set)
    released_locals: Set[str] = set()
    stack: List[cst.CSTNode] = []

    def is_self_attr(node: cst.CSTNode) -> bool:
        return isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value in self_names

    def on_attribute(node: cst.Attribute) -> None:
        parent = stack[-1] if stack else None
        attr = node.attr.value
        if isinstance(parent, cst.Attribute) and parent.value is node:
            if parent.attr.value in RELEASE_ALL:
                released.add(attr)
            grand = stack[-2] if len(stack) >= 2 else None
            if (
                isinstance(grand, cst.AssignTarget)
                and grand.target is parent
                and is_injected_double(parent.attr.value)
            ):
                released.add(attr)  # `self.conn.sock = FakeSocket()`: a test double
            return
        current: cst.CSTNode = node
        j = len(stack) - 1
        contained = False
        while j >= 0 and isinstance(stack[j], (cst.Element, cst.Tuple, cst.List, cst.Set, cst.StarredElement)):
            contained = True
            current = stack[j]
            j -= 1
        parent = stack[j] if j >= 0 else None
        if isinstance(parent, cst.WithItem):
            released.add(attr)
        elif isinstance(parent, (cst.Return, cst.Yield)):
            released.add(attr)
        elif isinstance(parent, cst.For) and parent.iter is current and contained:
            released.add(attr)
        elif isinstance(parent, cst.Arg) and j >= 1 and isinstance(stack[j - 1], cst.Call):
            call = stack[j - 1]
            qn = callnames.get(id(call))
            func = call.func
            method = func.attr.value if isinstance(func, cst.Attribute) else None
            fname = (qn or dotted_name(func) or "").rsplit(".", 1)[-1]
            if qn in HANDOFF_FUNCTIONS or method in HANDOFF_METHODS or closeish(fname):
                released.add(attr)
            elif qn is not None and (qn in CONSUMERS or qn.startswith("builtins.")):
                pass
            elif j >= 2 and _wrapped_in_place(stack[j - 2], call, attr, self_names):
                pass  # `self.src = TextIOWrapper(self.src)`: the attribute still holds it, wrapped
            elif not contained and call.args and call.args[0] is parent:
                released.add(attr)
        elif isinstance(parent, cst.Assign) and parent.value is current:
            for target in parent.targets:
                t = target.target
                if contained and not isinstance(t, (cst.Tuple, cst.List)):
                    released.add(attr)  # put in a container (`self.conns = [self.sock]`)
                elif isinstance(t, cst.Name) and not contained:
                    aliases[t.value].add(attr)
                elif isinstance(t, (cst.Tuple, cst.List)) and isinstance(parent.value, (cst.Tuple, cst.List)):
                    for te, ve in zip(t.elements, parent.value.elements):
                        if ve.value is node and isinstance(te.value, cst.Name):
                            aliases[te.value.value].add(attr)
                elif not isinstance(t, cst.Name):
                    released.add(attr)  # moved to another attribute or a container

    def on_local(node: cst.Name) -> None:
        parent = stack[-1] if stack else None
        if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value in RELEASE_ALL:
            released_locals.add(node.value)
        elif isinstance(parent, cst.WithItem) and parent.item is node:
            released_locals.add(node.value)
        elif isinstance(parent, cst.Arg) and len(stack) >= 2 and isinstance(stack[-2], cst.Call):
            call = stack[-2]
            qn = callnames.get(id(call))
            func = call.func
            method = func.attr.value if isinstance(func, cst.Attribute) else None
            fname = (qn or dotted_name(func) or "").rsplit(".", 1)[-1]
            if qn in HANDOFF_FUNCTIONS or method in HANDOFF_METHODS or closeish(fname):
                released_locals.add(node.value)

    def walk(node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Attribute) and is_self_attr(node):
            on_attribute(node)
            if node.attr.value == "__dict__":
                return True
        elif isinstance(node, cst.Name):
            on_local(node)
        elif isinstance(node, cst.Call):
            qn = callnames.get(id(node))
            if qn in ("builtins.getattr", "builtins.vars") and node.args:
                first = node.args[0].value
                if isinstance(first, cst.Name) and first.value in self_names:
                    if qn == "builtins.vars" or len(node.args) < 2 or not isinstance(node.args[1].value, cst.SimpleString):
                        return True
        stack.append(node)
        try:
            for child in children(node):
                if walk(child):
                    return True
        finally:
            stack.pop()
        return False

    if walk(cls.body):
        return {"*"}
    for local, attrs in aliases.items():
        if local in released_locals:
            released |= attrs
    return released
