"""Shared machinery of the resource rules (LL401-LL404).

- the catalogue: which calls return a resource (by qualified name, through imports and
  aliases), and which methods release each kind;
- `Resolver`: resolves a Call to a catalogue entry, including the method forms
  (`Path(...).open()`, `ZipFile(...).open()`, `SSLContext.wrap_socket()`,
  `multiprocessing.get_context().Pool()`) through a small table of local variable types;
- `FlowWalker`: one walk over a function body that records, in source order, what happens to
  a few names of interest (bound, released, handed over, returned, stored ...), with the
  try / if / loop arms each event sits in, so that rules can ask "is this closed in a
  `finally`", "are these two bindings alternatives", "does the release follow at once".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

import libcst as cst

from ..context import Context, dotted_name, target_names
from ..traverse import children

# ---------------------------------------------------------------------------- the catalogue
FILE = ("close", "detach")
SOCKET = ("close", "detach")
TEMPDIR = ("cleanup",)
PROCESS = ("wait", "communicate", "poll")
POOL = ("close", "terminate", "join")
EXECUTOR = ("shutdown",)
CLOSE = ("close",)
MAIL = ("close", "quit")
IMAP = ("logout", "shutdown")
GENERIC = ("close", "aclose", "shutdown", "cleanup", "terminate", "quit", "logout", "dispose", "release", "stop", "disconnect", "join", "wait")

CATALOGUE: Dict[str, Tuple[str, ...]] = {
    # files and archives
    "builtins.open": FILE,
    "io.open": FILE,
    "io.open_code": FILE,
    "codecs.open": FILE,
    "os.fdopen": FILE,
    "gzip.open": FILE,
    "gzip.GzipFile": FILE,
    "bz2.open": FILE,
    "bz2.BZ2File": FILE,
    "lzma.open": FILE,
    "lzma.LZMAFile": FILE,
    "tarfile.open": FILE,
    "tarfile.TarFile": FILE,
    "tarfile.TarFile.open": FILE,
    "zipfile.ZipFile": FILE,
    "zipfile.PyZipFile": FILE,
    "shelve.open": FILE,
    "dbm.open": FILE,
    "dbm.gnu.open": FILE,
    "dbm.ndbm.open": FILE,
    "dbm.dumb.open": FILE,
    "wave.open": FILE,
    "fileinput.input": FILE,
    "fileinput.FileInput": FILE,
    "tokenize.open": FILE,
    "mmap.mmap": FILE,
    # temporary files and directories
    "tempfile.TemporaryFile": FILE,
    "tempfile.NamedTemporaryFile": FILE,
    "tempfile.SpooledTemporaryFile": FILE,
    "tempfile.TemporaryDirectory": TEMPDIR,
    # network
    "socket.socket": SOCKET,
    "socket.create_connection": SOCKET,
    "socket.create_server": SOCKET,
    "socket.socketpair": SOCKET,
    "socket.fromfd": SOCKET,
    "ssl.wrap_socket": SOCKET,
    "urllib.request.urlopen": FILE,
    "http.client.HTTPConnection": CLOSE,
    "http.client.HTTPSConnection": CLOSE,
    "ftplib.FTP": MAIL,
    "ftplib.FTP_TLS": MAIL,
    "smtplib.SMTP": MAIL,
    "smtplib.SMTP_SSL": MAIL,
    "smtplib.LMTP": MAIL,
    "imaplib.IMAP4": IMAP,
    "imaplib.IMAP4_SSL": IMAP,
    "imaplib.IMAP4_stream": IMAP,
    "poplib.POP3": MAIL,
    "poplib.POP3_SSL": MAIL,
    "selectors.DefaultSelector": CLOSE,
    "selectors.EpollSelector": CLOSE,
    "selectors.DevpollSelector": CLOSE,
    "selectors.KqueueSelector": CLOSE,
    # processes and concurrency
    "subprocess.Popen": PROCESS,
    "multiprocessing.Pool": POOL,
    "multiprocessing.pool.Pool": POOL,
    "multiprocessing.pool.ThreadPool": POOL,
    "multiprocessing.dummy.Pool": POOL,
    "concurrent.futures.ThreadPoolExecutor": EXECUTOR,
    "concurrent.futures.ProcessPoolExecutor": EXECUTOR,
    "concurrent.futures.thread.ThreadPoolExecutor": EXECUTOR,
    "concurrent.futures.process.ProcessPoolExecutor": EXECUTOR,
    "asyncio.new_event_loop": CLOSE,
    # databases
    "sqlite3.connect": CLOSE,
    "sqlite3.dbapi2.connect": CLOSE,
    # third party: these names only resolve when the module is imported
    "requests.Session": CLOSE,
    "requests.session": CLOSE,
    "requests.sessions.Session": CLOSE,
    "httpx.Client": CLOSE,
    "httpx.AsyncClient": ("aclose",),
    "aiohttp.ClientSession": CLOSE,
    "urllib3.PoolManager": ("clear",),
    "urllib3.poolmanager.PoolManager": ("clear",),
}

SQLITE = frozenset({"sqlite3.connect", "sqlite3.dbapi2.connect"})
# fileinput's iterator closes each file when it is exhausted: `for line in fileinput.input()`
# is the documented idiom.
SELF_CLOSING_ITERATION = frozenset({"fileinput.input", "fileinput.FileInput"})
# wrappers that own no descriptor when handed the caller's stream
FILEOBJ_WRAPPERS = frozenset(
    {"gzip.GzipFile", "bz2.BZ2File", "lzma.LZMAFile", "tarfile.open", "tarfile.TarFile", "tarfile.TarFile.open",
     "zipfile.ZipFile", "zipfile.PyZipFile", "wave.open", "gzip.open", "bz2.open", "lzma.open"}
)
IN_MEMORY = frozenset({"io.BytesIO", "io.StringIO"})
FD_OPENERS = frozenset({"builtins.open", "io.open", "os.fdopen"})
# a wrapper's first argument named like an open stream (`wave.open(f)`, `ZipFile(fileobj)`)
STREAM_NAME = re.compile(r"^(f|fo|buf|buffer|bio|sio|raw)$|fileobj|file_obj|(fp|fh|fobj|stream)$")

# Types of receivers whose methods return resources.
TYPE_FACTORIES: Dict[str, str] = {
    "pathlib.Path": "pathlib.Path",
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "pathlib.Path.home": "pathlib.Path",
    "pathlib.Path.cwd": "pathlib.Path",
    "zipfile.ZipFile": "zipfile.ZipFile",
    "zipfile.PyZipFile": "zipfile.ZipFile",
    "ssl.SSLContext": "ssl.SSLContext",
    "ssl.create_default_context": "ssl.SSLContext",
    "ssl._create_unverified_context": "ssl.SSLContext",
    "ssl._create_default_https_context": "ssl.SSLContext",
    "multiprocessing.get_context": "multiprocessing.context",
    "io.BytesIO": "io.memory",
    "io.StringIO": "io.memory",
}
PATH_METHODS = frozenset({"with_suffix", "with_name", "with_stem", "joinpath", "resolve", "absolute", "expanduser"})
METHOD_RESOURCES: Dict[Tuple[str, str], Tuple[str, Tuple[str, ...]]] = {
    ("pathlib.Path", "open"): ("Path.open()", FILE),
    ("zipfile.ZipFile", "open"): ("ZipFile.open()", FILE),
    ("ssl.SSLContext", "wrap_socket"): ("SSLContext.wrap_socket()", SOCKET),
    ("multiprocessing.context", "Pool"): ("multiprocessing Pool()", POOL),
}

RELEASE_ALL = frozenset(
    {m for methods in CATALOGUE.values() for m in methods} | set(GENERIC) | {"__exit__", "__aexit__"}
)
# Calls that take over the resource passed to them and release it later.
HANDOFF_FUNCTIONS = frozenset({"contextlib.closing", "contextlib.aclosing", "weakref.finalize"})
HANDOFF_METHODS = frozenset(
    {"enter_context", "enter_async_context", "enterContext", "enterAsyncContext", "push", "push_async_exit",
     "addCleanup", "callback", "addfinalizer"}
)
# Methods that store their argument (container, registry, queue, task).
STORE_METHODS = frozenset(
    {"append", "appendleft", "add", "insert", "put", "put_nowait", "register", "setdefault", "__setitem__",
     "submit", "run_in_executor", "start_new_thread", "create_task", "ensure_future", "call_soon",
     "call_soon_threadsafe", "call_later", "call_at", "apply_async", "map_async", "__init__", "set", "send",
     "add_reader", "add_writer", "modify", "setattr"}
)
TASK_CALLABLES = frozenset({"Thread", "Process", "Timer", "partial", "start_new_thread"})
STORE_PREFIXES = (
    "set", "add", "register", "attach", "push", "put", "append", "insert", "store", "install", "track", "adopt",
    "manage", "keep", "hold", "enter", "wrap", "connect_", "create_", "start",
)
# `conn.sock = FakeSocket()`: a collaborator injected by hand, the object is a test double
INJECTED_ATTRIBUTES = ("sock", "fp", "file")
# methods of a resource that only read or set a flag: they do not fail in practice
ACCESSORS = frozenset(
    {"fileno", "getsockname", "getpeername", "setblocking", "settimeout", "gettimeout", "cursor", "create_future",
     "isatty", "readable", "writable", "seekable", "tell", "geturl", "info", "getcode"}
)
# connections that open their socket only on first use
LAZY_CONNECTIONS = {
    "http.client.HTTPConnection": ("request", "connect", "putrequest", "endheaders", "send"),
    "http.client.HTTPSConnection": ("request", "connect", "putrequest", "endheaders", "send"),
}
HOST_OPTIONAL = frozenset({"ftplib.FTP", "ftplib.FTP_TLS", "smtplib.SMTP", "smtplib.SMTP_SSL", "smtplib.LMTP"})
# calls whose `with` block expects the body to fail: a resource "created" in it is never created
EXPECTS_FAILURE = frozenset({"assertRaises", "assertRaisesRegex", "assertRaisesRegexp", "raises"})
# Calls that read their argument and keep nothing of it once they return (or keep it in an
# object that never closes it): an inline resource passed to them is left to the collector.
CONSUMERS = frozenset(
    {
        "json.load", "pickle.load", "marshal.load", "tomllib.load", "tomli.load", "toml.load", "plistlib.load",
        "yaml.load", "yaml.safe_load", "yaml.full_load", "yaml.unsafe_load", "yaml.load_all", "yaml.safe_load_all",
        "csv.reader", "csv.writer", "csv.DictReader", "csv.DictWriter", "shutil.copyfileobj", "hashlib.file_digest",
        "email.message_from_file", "email.message_from_binary_file",
        "xml.etree.ElementTree.parse", "xml.etree.ElementTree.iterparse", "xml.dom.minidom.parse",
        "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen",
        "select.select", "os.fstat", "os.fsync",
    }
)
BUILTIN_STORES = frozenset(
    {"builtins.setattr", "builtins.super", "builtins.staticmethod", "builtins.classmethod", "builtins.property",
     "builtins.memoryview"}
)
# methods whose result keeps the resource open and owns it from then on
DERIVED_OWNERS = frozenset({"open", "makefile"})
CONSUMER_METHODS = frozenset({"join", "extend", "update", "writelines", "read_file", "readfp"})
CLOSEISH = ("close", "cleanup", "shutdown", "release", "dispose", "terminate", "teardown", "finalize", "wait")

LOCK_FACTORIES = frozenset(
    {
        "threading.Lock", "threading.RLock", "threading.Semaphore", "threading.BoundedSemaphore",
        "threading.Condition", "threading._allocate_lock", "threading._RLock", "_thread.allocate_lock",
        "_thread.LockType", "_thread.RLock", "_thread.allocate",
        "multiprocessing.Lock", "multiprocessing.RLock", "multiprocessing.Semaphore",
        "multiprocessing.BoundedSemaphore", "multiprocessing.Condition",
        "multiprocessing.synchronize.Lock", "multiprocessing.synchronize.RLock",
        "multiprocessing.synchronize.Semaphore", "multiprocessing.synchronize.BoundedSemaphore",
        "multiprocessing.synchronize.Condition",
        "asyncio.Lock", "asyncio.Semaphore", "asyncio.BoundedSemaphore", "asyncio.Condition",
    }
)


@dataclass(frozen=True)
class ResourceOptions:
    """`[tool.leaklint.resources]`, shared by LL401 and LL402."""

    extra: Tuple[str, ...] = field(
        default=(),
        metadata={
            "help": "More resource factories, as qualified names (`fs.open_fs`, `mylib.Client`); "
            "their results must be closed like the catalogue's (close, aclose, shutdown, cleanup, "
            "terminate, quit, release, stop, disconnect, join or wait count as a release)."
        },
    )
    error_paths: bool = field(
        default=False,
        metadata={
            "help": "LL401: also report a release that an exception raised before it would skip "
            "(a `close()` outside `finally`, a release on one branch only). Medium confidence; "
            "off by default because CPython's reference counting closes such a resource as soon "
            "as the exception is handled, so it matters on PyPy, with stored exceptions and "
            "under `-W error::ResourceWarning`."
        },
    )
    self_attributes: bool = field(
        default=False,
        metadata={
            "help": "LL401: also report a resource stored on `self` by a class none of whose "
            "methods closes it (medium confidence; the object's own lifetime usually bounds it)."
        },
    )
    project_classes: bool = field(
        default=False,
        metadata={
            "help": "LL401 and LL402: also treat classes of the project that hold a resource (they define close() or "
            "__exit__ and set an attribute from a resource, as the lifetime model judges them) as resources "
            "(measured 0 real of 2 on the ecosystem corpus)."
        },
    )
    include_tests: bool = field(
        default=False,
        metadata={
            "help": "LL401 and LL402: also check test code (`test_*.py`, `*_test.py`, `conftest.py`, files "
            "under `test/`, `tests/` or `testing/`, modules that import unittest or pytest, test "
            "functions and `Test*` classes), which runs once per test process."
        },
    )


# `urlopen(u).read()` reads to the end of the body, and an HTTP response closes its socket there.
READ_TO_EOF_CLOSES = frozenset({"urllib.request.urlopen"})
# detail of a "method" event for `x.read()` without a size: it reads to the end
READ_TO_END = "read()"


def catalogue_triggers(extra: Iterable[str] = ()) -> Tuple[str, ...]:
    """Text that must occur in a file for a catalogue call to resolve: the last segment of every
    qualified name appears in the import or in the call itself."""
    out: List[str] = ["open", "wrap_socket", "Pool"]
    for name in (*CATALOGUE, *extra):
        last = name.rsplit(".", 1)[-1]
        if last and last not in out:
            out.append(last)
    return tuple(out)


def closeish(name: str) -> bool:
    low = name.lower()
    return any(word in low for word in CLOSEISH)


def short_name(qualified: str) -> str:
    if qualified.startswith("builtins."):
        qualified = qualified[len("builtins."):]
    return f"{qualified}()"


@dataclass(frozen=True)
class Resource:
    qualified: str  # catalogue key ("builtins.open") or "method:<type>.<name>"
    display: str  # "open()", "Path.open()"
    releases: Tuple[str, ...]
    # methods that actually open it, for objects that connect on first use ("" : opened at once)
    opens_with: Tuple[str, ...] = ()

    @property
    def is_sqlite(self) -> bool:
        return self.qualified in SQLITE


class Resolver:
    """Resolves calls to catalogue entries while the traversal runs (so `ctx` is at the call's
    scope). Keeps a small table of local variable types for the method forms."""

    def __init__(self, ctx: Context, extra: Sequence[str] = (), project_classes: bool = False) -> None:
        self.project_classes = project_classes
        self.ctx = ctx
        self.extra = frozenset(extra)
        self.local_types: Dict[Tuple[int, str], str] = {}
        self._cache: Dict[int, Optional[Resource]] = {}
        self._module_names: Optional[Set[str]] = None

    # ------------------------------------------------------------------ local types
    def _scope_key(self) -> int:
        return id(self.ctx.scope.node)

    def expr_type(self, expr: cst.BaseExpression) -> Optional[str]:
        if isinstance(expr, cst.Call):
            qn = self.ctx.call_name(expr)
            if qn is not None and qn in TYPE_FACTORIES:
                return TYPE_FACTORIES[qn]
            func = expr.func
            if isinstance(func, cst.Attribute) and func.attr.value in PATH_METHODS:
                if self.expr_type(func.value) == "pathlib.Path":
                    return "pathlib.Path"
            return None
        if isinstance(expr, cst.Name):
            if self.ctx.lookup(expr.value) == "":
                return self.local_types.get((self._scope_key(), expr.value))
            return None
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
            if self.expr_type(expr.left) == "pathlib.Path":
                return "pathlib.Path"
            return None
        if isinstance(expr, cst.Attribute) and expr.attr.value == "parent":
            if self.expr_type(expr.value) == "pathlib.Path":
                return "pathlib.Path"
        return None

    def note_binding(self, name: str, value: Optional[cst.BaseExpression], key: Optional[int] = None) -> None:
        scope_key = key if key is not None else self._scope_key()
        kind = self.expr_type(value) if value is not None else None
        if kind is not None:
            self.local_types[(scope_key, name)] = kind
        else:
            self.local_types.pop((scope_key, name), None)

    def note_params(self, node: cst.FunctionDef) -> None:
        """Parameters annotated as `pathlib.Path` (resolved in the defining scope)."""
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is None:
                continue
            annotation = param.annotation.annotation
            qn = self.ctx.qualified_name(annotation)
            if qn in ("pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"):
                self.local_types[(id(node), param.name.value)] = "pathlib.Path"

    # ------------------------------------------------------------------ resources
    def resource(self, call: cst.Call) -> Optional[Resource]:
        key = id(call)
        if key in self._cache:
            return self._cache[key]
        result = self._resolve(call)
        self._cache[key] = result
        return result

    def _resolve(self, call: cst.Call) -> Optional[Resource]:
        qn = self.ctx.call_name(call)
        if qn is not None and qn.startswith(".") and self.ctx.module:
            # a relative import inside a package: `sessions.Session()` in requests/api.py is
            # `requests.sessions.Session` (the module name comes from the project's model)
            from ..analysis.project import absolute_name

            qn = absolute_name(self.ctx.module, self.ctx.path.endswith("__init__.py"), qn)
        if (
            qn is not None
            and qn.startswith("builtins.")
            and isinstance(call.func, cst.Name)
            and self._module_binds(qn[len("builtins."):])
        ):
            qn = None  # `open = TarFile.open` somewhere at module level shadows the builtin
        if qn is not None:
            if qn in CATALOGUE:
                if qn in FILEOBJ_WRAPPERS and self._wraps_callers_stream(call):
                    return None
                if qn == "urllib.request.urlopen" and _data_url(call):
                    return None
                if qn in FD_OPENERS and _closefd_false(call):
                    return None
                opens_with: Tuple[str, ...] = LAZY_CONNECTIONS.get(qn, ())
                if qn in HOST_OPTIONAL and not any(
                    arg.keyword is None or arg.keyword.value == "host" for arg in call.args
                ):
                    opens_with = ("connect",)  # `FTP()` without a host connects later
                return Resource(qn, short_name(qn), CATALOGUE[qn], opens_with)
            if qn in self.extra:
                return Resource(qn, short_name(qn), GENERIC)
        project = self.ctx.project
        if project is not None and self.project_classes:
            # a class of the project that holds a resource (it defines close() / __exit__ and
            # sets an attribute from one, or inherits from such a class): the model says so
            full = qn or ""
            if qn is None and isinstance(call.func, cst.Name) and self.ctx.module:
                full = f"{self.ctx.module}.{call.func.value}"  # a class of this module
            if "." in full and not full.startswith("builtins.") and project.is_resource_type(full):
                return Resource(full, short_name(full), GENERIC)
        func = call.func
        if isinstance(func, cst.Attribute):
            receiver = self.expr_type(func.value)
            if receiver is not None:
                entry = METHOD_RESOURCES.get((receiver, func.attr.value))
                if entry is not None:
                    return Resource(f"method:{receiver}.{func.attr.value}", entry[0], entry[1])
        return None

    def _module_binds(self, name: str) -> bool:
        if self._module_names is None:
            module = self.ctx.module_scope.node if self.ctx.module_scope is not None else None
            self._module_names = module_level_names(module) if isinstance(module, cst.Module) else set()
        return name in self._module_names

    def _wraps_callers_stream(self, call: cst.Call) -> bool:
        """`GzipFile(fileobj=buf)`, `ZipFile(io.BytesIO(data))`: the wrapper owns no descriptor."""
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "fileobj":
                return not (isinstance(arg.value, cst.Name) and arg.value.value == "None")
        if call.args and call.args[0].keyword is None:
            first = call.args[0].value
            if isinstance(first, cst.Call) and self.ctx.call_name(first) in IN_MEMORY:
                return True
            if isinstance(first, cst.Name) and STREAM_NAME.search(first.value):
                return True
            if self.expr_type(first) == "io.memory":
                return True  # `buf = io.BytesIO()` ... `ZipFile(buf, "w")`
        return False


def _data_url(call: cst.Call) -> bool:
    """`urlopen("data:...")`: an in-memory response, no socket."""
    if not call.args:
        return False
    first = call.args[0].value
    if isinstance(first, (cst.SimpleString, cst.ConcatenatedString)):
        value = first.evaluated_value
        return isinstance(value, str) and value.startswith("data:")
    if isinstance(first, cst.FormattedString):
        parts = first.parts
        return bool(parts) and isinstance(parts[0], cst.FormattedStringText) and parts[0].value.startswith("data:")
    return False


def _closefd_false(call: cst.Call) -> bool:
    """`open(fd, closefd=False)`: the file object does not own the descriptor."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "closefd":
            return isinstance(arg.value, cst.Name) and arg.value.value == "False"
    return False


def module_level_names(module: cst.Module) -> Set[str]:
    """Names bound by the module's top-level statements (anywhere in the file: functions run
    after the whole module has been executed)."""
    out: Set[str] = set()
    todo: List[cst.CSTNode] = list(module.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            out.add(node.name.value)
        elif isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        out.update(target_names(target.target))
                elif isinstance(small, cst.AnnAssign):
                    out.update(target_names(small.target))
                elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                    for alias in small.names:
                        bound = alias.asname.name if alias.asname is not None else alias.name
                        if isinstance(bound, cst.Name):
                            out.add(bound.value)
        elif isinstance(node, (cst.If, cst.Try, cst.With, cst.For, cst.While, cst.Else, cst.IndentedBlock, cst.ExceptHandler, cst.Finally)):
            todo.extend(children(node))
    return out


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


def else_fails(node: Any) -> bool:
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


def _noop(small: cst.CSTNode) -> bool:
    """`pass`, `x: int`, a bare string: nothing runs, nothing raises."""
    if isinstance(small, cst.Pass):
        return True
    if isinstance(small, cst.AnnAssign) and small.value is None:
        return True
    if (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
        and (dotted_name(small.value) or isinstance(small.value, (cst.SimpleString, cst.Integer)))
    ):
        return True  # `path = tmp.name`: reading an attribute does not fail
    value = small.value if isinstance(small, (cst.Expr, cst.Assign)) else None
    if isinstance(small, cst.Assign) and not (len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)):
        value = None
    while isinstance(value, cst.Subscript):
        value = value.value  # `port = sock.getsockname()[1]`
    if isinstance(value, cst.Call):
        # `self.addCleanup(proc.stdout.close)`: registering a cleanup does not fail, nor does
        # `fd = sock.fileno()` / `sock.setblocking(False)`
        last = dotted_name(value.func).rsplit(".", 1)[-1]
        if isinstance(small, cst.Expr) and last in ("addCleanup", "callback"):
            return True
        if last in ACCESSORS and isinstance(value.func, cst.Attribute) and isinstance(value.func.value, cst.Name):
            return True
    return isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))


# ---------------------------------------------------------------------------- flow walker
Frame = Tuple[str, int, str]  # (kind, id(node), arm)


@dataclass
class Event:
    kind: str
    name: str
    node: cst.CSTNode
    order: int
    frames: Tuple[Frame, ...]
    stmt: Tuple[int, int, int]  # (id of the block, index in it, statements in it)
    detail: Any = None
    statement: Optional[cst.CSTNode] = None
    # (block id, index, count, frames open at the block) for every enclosing block, outermost first
    chain: Tuple[Tuple[int, int, int, int], ...] = ()

    @property
    def in_finally(self) -> bool:
        return any(arm == "finally" for _, _, arm in self.frames)

    def try_bodies(self) -> List[Tuple[int, int]]:
        """(position in frames, id) of the try statements whose body holds this event."""
        return [(i, ident) for i, (kind, ident, arm) in enumerate(self.frames) if kind == "try" and arm == "body"]

    @property
    def in_raises(self) -> bool:
        return any(kind == "raises" for kind, _, _ in self.frames)

    @property
    def in_handler(self) -> bool:
        return any(kind == "try" and arm.startswith("h") for kind, _, arm in self.frames)

    def loops(self) -> List[int]:
        return [ident for kind, ident, _ in self.frames if kind == "loop"]


def exclusive(a: Event, b: Event) -> bool:
    """Whether two events sit in alternative arms (if / else, try body / except, match cases)."""
    for fa, fb in zip(a.frames, b.frames):
        if fa == fb:
            continue
        if fa[0] == fb[0] and fa[1] == fb[1]:
            kind, arms = fa[0], {fa[2], fb[2]}
            if kind in ("if", "match"):
                return True
            if kind == "try":
                if "finally" in arms:
                    return False
                handlers = {a for a in arms if a.startswith("h")}
                return bool(handlers)
        return False
    return False


_CONTAINERS = (cst.Tuple, cst.List, cst.Set, cst.Dict)
_ELEMENTS = (cst.Element, cst.DictElement, cst.StarredElement, cst.StarredDictElement)


def swallows(node: Any) -> bool:
    """A try with a handler for every exception (bare, `Exception`, `BaseException`) whose
    body neither raises nor leaves the function."""
    for handler in node.handlers:
        kind = handler.type
        names = []
        if kind is None:
            names = ["BaseException"]
        elif isinstance(kind, cst.Tuple):
            names = [dotted_name(e.value) for e in kind.elements]
        else:
            names = [dotted_name(kind)]
        if not any(n in ("Exception", "BaseException") for n in names):
            continue
        body = getattr(handler.body, "body", ())
        leaves = False
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine):
                leaves = True  # anything more than simple statements: do not guess
                break
            if any(isinstance(small, (cst.Raise, cst.Return, cst.Break, cst.Continue)) for small in statement.body):
                leaves = True
                break
        if not leaves:
            return True
    return False


class FlowWalker:
    """Walks one function body and records events for `names` (plain local names) and for
    method calls named in `methods` on any dotted receiver (`self._lock.acquire()`)."""

    def __init__(
        self,
        names: Set[str],
        resources: Dict[int, Resource],
        callnames: Dict[int, str],
        self_name: Optional[str] = None,
        methods: FrozenSet[str] = frozenset(),
    ) -> None:
        self.names = set(names)
        self.resources = resources
        self.callnames = callnames
        self.self_name = self_name
        self.methods = methods
        self.events: List[Event] = []
        self.stack: List[cst.CSTNode] = []
        self.frames: List[Frame] = []
        self.stmt: Tuple[int, int, int] = (0, 0, 0)
        self.statement: Optional[cst.CSTNode] = None
        self.chain: List[Tuple[int, int, int, int]] = []
        self.nested = 0
        self.order = 0
        self.nonlocal_names: Set[str] = set()
        self.swallowing: Set[int] = set()  # try statements whose handler swallows everything
        self.plain_tries: Set[int] = set()  # try statements without else and finally

    # ------------------------------------------------------------------ events
    def _emit(self, kind: str, name: str, node: cst.CSTNode, detail: Any = None) -> None:
        self.order += 1
        self.events.append(
            Event(kind, name, node, self.order, tuple(self.frames), self.stmt, detail, self.statement, tuple(self.chain))
        )

    def run(self, body: cst.CSTNode) -> List[Event]:
        self._walk(body)
        return self.events

    # ------------------------------------------------------------------ walking
    def _walk(self, node: cst.CSTNode) -> None:
        method = getattr(self, f"_w_{type(node).__name__}", None)
        if method is not None:
            method(node)
            return
        self._generic(node)

    def _generic(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            self._on_name(node)
            return
        self.stack.append(node)
        try:
            for child in children(node):
                self._walk(child)
        finally:
            self.stack.pop()

    def _child(self, parent: cst.CSTNode, child: Optional[cst.CSTNode], frame: Optional[Frame] = None) -> None:
        if child is None:
            return
        self.stack.append(parent)
        if frame is not None:
            self.frames.append(frame)
        try:
            self._walk(child)
        finally:
            if frame is not None:
                self.frames.pop()
            self.stack.pop()

    # blocks: number the statements so "the next statement" can be asked
    def _block(self, node: cst.CSTNode, body: Sequence[cst.CSTNode]) -> None:
        self.stack.append(node)
        index = 0
        count = sum(
            sum(1 for small in st.body if not _noop(small)) if isinstance(st, cst.SimpleStatementLine) else 1
            for st in body
        )
        saved = (self.stmt, self.statement)
        self.chain.append((id(node), 0, count, len(self.frames)))
        try:
            for statement in body:
                smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else [statement]
                if isinstance(statement, cst.SimpleStatementLine):
                    self.stack.append(statement)
                for small in smalls:
                    # a no-op (`pass`, `x: int`, `self.addCleanup(...)`) shares the index of the
                    # statement after it: "the next statement" skips over it
                    self.stmt = (id(node), index, count)
                    self.chain[-1] = (id(node), index, count, len(self.frames))
                    self.statement = small
                    if not _noop(small):
                        index += 1
                    self._walk(small)
                if isinstance(statement, cst.SimpleStatementLine):
                    self.stack.pop()
        finally:
            self.chain.pop()
            self.stmt, self.statement = saved
            self.stack.pop()

    def _w_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._block(node, node.body)

    def _w_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._block(node, node.body)

    def _w_Module(self, node: cst.Module) -> None:
        self._block(node, node.body)

    # compound statements: arms
    def _w_If(self, node: cst.If) -> None:
        self._child(node, node.test)
        self._child(node, node.body, ("if", id(node), "body"))
        self._child(node, node.orelse, ("if", id(node), "else"))

    def _w_Else(self, node: cst.Else) -> None:
        self._child(node, node.body)

    def _try(self, node: Any) -> None:
        if swallows(node):
            self.swallowing.add(id(node))
        if node.orelse is None and node.finalbody is None and node.handlers:
            self.plain_tries.add(id(node))
        if else_fails(node):
            self.frames.append(("raises", id(node), "body"))
            try:
                self._child(node, node.body, ("try", id(node), "body"))
            finally:
                self.frames.pop()
        else:
            self._child(node, node.body, ("try", id(node), "body"))
        for i, handler in enumerate(node.handlers):
            self.frames.append(("try", id(node), f"h{i}"))
            self.stack.append(node)
            try:
                self._handler(handler)
            finally:
                self.stack.pop()
                self.frames.pop()
        self._child(node, node.orelse, ("try", id(node), "else"))
        self._child(node, node.finalbody, ("try", id(node), "finally"))

    def _w_Try(self, node: cst.Try) -> None:
        self._try(node)

    def _w_TryStar(self, node: Any) -> None:
        self._try(node)

    def _handler(self, handler: Any) -> None:
        self.stack.append(handler)
        try:
            if handler.type is not None:
                self._walk(handler.type)
            if handler.name is not None:
                self._bind_target(handler.name.name, None, handler)
            self._walk(handler.body)
        finally:
            self.stack.pop()

    def _w_For(self, node: cst.For) -> None:
        self._child(node, node.iter)
        loop = ("loop", id(node), "body")
        self.frames.append(loop)
        try:
            self._bind_target(node.target, None, node)
            self._child(node, node.body)
        finally:
            self.frames.pop()
        self._child(node, node.orelse, ("loopelse", id(node), "else"))

    def _w_While(self, node: cst.While) -> None:
        loop = ("loop", id(node), "body")
        self._child(node, node.test, loop)
        self._child(node, node.body, loop)
        self._child(node, node.orelse, ("loopelse", id(node), "else"))

    def _w_With(self, node: cst.With) -> None:
        self.stack.append(node)
        try:
            for item in node.items:
                self.stack.append(item)
                try:
                    self._walk(item.item)
                finally:
                    self.stack.pop()
                if item.asname is not None:
                    self._bind_target(item.asname.name, None, item)
                if self.methods:
                    key = dotted_name(item.item)
                    if key:
                        self._emit("with", key, item)
        finally:
            self.stack.pop()
        if any(expects_failure(item.item) for item in node.items):
            self.frames.append(("raises", id(node), "body"))
            try:
                self._child(node, node.body, ("with", id(node), "body"))
            finally:
                self.frames.pop()
        else:
            self._child(node, node.body, ("with", id(node), "body"))

    def _w_Match(self, node: Any) -> None:
        self._child(node, node.subject)
        for i, case in enumerate(node.cases):
            self._child(node, case, ("match", id(node), f"c{i}"))

    # nested scopes: anything they mention is captured
    def _nested(self, node: cst.CSTNode) -> None:
        self.nested += 1
        try:
            self._generic(node)
        finally:
            self.nested -= 1

    def _w_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.name.value in self.names:
            self._emit("bind", node.name.value, node)
        self._nested(node)

    def _w_ClassDef(self, node: cst.ClassDef) -> None:
        if node.name.value in self.names:
            self._emit("bind", node.name.value, node)
        self._nested(node)

    def _w_Lambda(self, node: cst.Lambda) -> None:
        self._nested(node)

    # scope declarations
    def _w_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self.nonlocal_names.add(item.name.value)

    def _w_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self.nonlocal_names.add(item.name.value)

    def _w_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if alias.asname is not None:
                self._bind_target(alias.asname.name, None, node)
            else:
                top = dotted_name(alias.name).split(".", 1)[0]
                if top in self.names:
                    self._emit("bind", top, node)

    def _w_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            target = alias.asname.name if alias.asname is not None else alias.name
            if isinstance(target, cst.Name):
                self._bind_target(target, None, node)

    # bindings: the value is evaluated first, then the targets are bound
    def _w_Assign(self, node: cst.Assign) -> None:
        self._child(node, node.value)
        resource = self.resources.get(id(node.value)) if isinstance(node.value, cst.Call) else None
        single = len(node.targets) == 1
        for target in node.targets:
            self._bind_target(target.target, resource if single else None, node)

    def _w_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._child(node, node.annotation)
        if node.value is not None:
            self._child(node, node.value)
            resource = self.resources.get(id(node.value)) if isinstance(node.value, cst.Call) else None
            self._bind_target(node.target, resource, node)
        else:
            self._target_expressions(node, node.target)

    def _w_AugAssign(self, node: cst.AugAssign) -> None:
        self._child(node, node.value)
        if isinstance(node.target, cst.Name):
            if node.target.value in self.names:
                self._emit("use", node.target.value, node.target)
        else:
            self._target_expressions(node, node.target)

    def _w_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._child(node, node.value)
        resource = self.resources.get(id(node.value)) if isinstance(node.value, cst.Call) else None
        self._bind_target(node.target, resource, node)

    def _w_Del(self, node: cst.Del) -> None:
        self._bind_target(node.target, None, node, deleting=True)

    def _w_CompFor(self, node: cst.CompFor) -> None:
        # comprehension targets are local to the comprehension: not our names
        self.stack.append(node)
        try:
            self._walk(node.iter)
            self._target_expressions(node, node.target)
            for cond in node.ifs:
                self._walk(cond)
            if node.inner_for_in is not None:
                self._walk(node.inner_for_in)
        finally:
            self.stack.pop()

    def _bind_target(self, target: cst.CSTNode, resource: Optional[Resource], owner: cst.CSTNode, deleting: bool = False) -> None:
        if isinstance(target, cst.Name):
            if target.value in self.names:
                if resource is not None and not self.nested:
                    self._emit("bind_res", target.value, owner, resource)
                else:
                    self._emit("del" if deleting else "bind", target.value, owner)
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            # `a, b = socket.socketpair()`: both are resources
            pair = resource if resource is not None and resource.qualified == "socket.socketpair" else None
            for element in target.elements:
                self._bind_target(element.value, pair, owner, deleting)
            return
        if isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None, owner, deleting)
            return
        self._target_expressions(owner, target)
        if resource is not None and isinstance(target, cst.Attribute) and not self.nested:
            base = target.value
            if isinstance(base, cst.Name) and self.self_name is not None and base.value == self.self_name:
                self._emit("direct_self_store", target.attr.value, owner, resource)

    def _target_expressions(self, owner: cst.CSTNode, target: cst.CSTNode) -> None:
        """The expressions inside a store target (`d[key] = ...`, `obj.attr = ...`) are reads."""
        if isinstance(target, cst.Name):
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target_expressions(owner, element.value)
            return
        if isinstance(target, cst.StarredElement):
            self._target_expressions(owner, target.value)
            return
        if (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value in self.names
            and not self.nested
            and any(word in target.attr.value.lower() for word in INJECTED_ATTRIBUTES)
        ):
            self._emit("escape", target.value.value, target, "collaborator injected")
            return
        self.stack.append(owner)
        try:
            if isinstance(target, cst.Attribute):
                self._walk(target.value)
            elif isinstance(target, cst.Subscript):
                self._walk(target.value)
                for element in target.slice:
                    self._walk(element)
            else:
                self._walk(target)
        finally:
            self.stack.pop()

    def _w_Return(self, node: cst.Return) -> None:
        if self.methods and not self.nested:
            self._emit("return", "", node)
        self._generic(node)

    # method calls of interest on dotted receivers (locks)
    def _w_Call(self, node: cst.Call) -> None:
        func = node.func
        if self.methods and isinstance(func, cst.Attribute) and func.attr.value in self.methods and not self.nested:
            key = dotted_name(func.value)
            if key:
                self._emit("call", key, node, func.attr.value)
        self._generic(node)

    # ------------------------------------------------------------------ names
    def _on_name(self, node: cst.Name) -> None:
        name = node.value
        if name not in self.names or not self.stack:
            return
        parent = self.stack[-1]
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return
        if isinstance(parent, (cst.Param, cst.ImportAlias, cst.AsName, cst.NameItem)):
            return
        if isinstance(parent, (cst.FunctionDef, cst.ClassDef)) and parent.name is node:
            return
        if self.nested:
            self._emit("escape", name, node, "captured")
            return
        kind, detail = self._classify(node)
        self._emit(kind, name, node, detail)

    def _classify(self, node: cst.Name) -> Tuple[str, Any]:
        stack = self.stack
        i = len(stack) - 1
        parent = stack[i]
        if isinstance(parent, cst.Attribute) and parent.value is node:
            attr = parent.attr.value
            grand = stack[i - 1] if i >= 1 else None
            if isinstance(grand, cst.Call) and grand.func is parent:
                if attr in ("__enter__", "__aenter__"):
                    return "escape", "entered by hand"
                if attr in DERIVED_OWNERS and i >= 2 and isinstance(stack[i - 2], (cst.Return, cst.Yield)):
                    return "escape", "returned through a member"  # `return archive.open(name)`
                if attr == "read" and not grand.args:
                    return "method", READ_TO_END
                return "method", attr
            if attr in RELEASE_ALL:
                return "release_ref", attr
            if isinstance(grand, cst.Arg) and grand.value is parent:
                return "escape", "bound method handed over"
            return "use", None
        # climb through containers and conditional expressions
        current: cst.CSTNode = node
        j = i
        contained = False
        while j >= 0:
            p = stack[j]
            if isinstance(p, _ELEMENTS) or isinstance(p, cst.Dict):
                contained = True
            elif isinstance(p, _CONTAINERS):
                contained = True
            elif isinstance(p, cst.IfExp) and p.test is not current:
                pass
            elif isinstance(p, cst.BooleanOperation):
                pass
            else:
                break
            current = p
            j -= 1
        if j < 0:
            return "use", None
        p = stack[j]
        if isinstance(p, cst.WithItem) and p.item is current:
            return ("with", None) if not contained else ("escape", "container in with")
        if isinstance(p, (cst.Return, cst.Yield)):
            return "escape", "returned"
        if isinstance(p, cst.Assign) and p.value is current:
            if not contained and len(p.targets) == 1:
                target = p.targets[0].target
                if (
                    isinstance(target, cst.Attribute)
                    and isinstance(target.value, cst.Name)
                    and self.self_name is not None
                    and target.value.value == self.self_name
                ):
                    return "self_store", target.attr.value
            return "escape", "stored"
        if isinstance(p, (cst.AnnAssign, cst.NamedExpr)) and p.value is current:
            return "escape", "stored"
        if isinstance(p, cst.Arg) and p.value is current and j >= 1 and isinstance(stack[j - 1], cst.Call):
            return self._classify_arg(p, stack[j - 1], j - 1, direct=not contained)
        if isinstance(p, cst.For) and p.iter is current:
            return ("escape", "released in a loop") if contained else ("use", "iterated")
        if isinstance(p, cst.CompFor) and p.iter is current:
            comp = self._enclosing_comprehension(j)
            if comp is not None and isinstance(stack[comp], cst.GeneratorExp) and self._flows(comp):
                return "escape", "generator"
            return "use", None
        if isinstance(p, cst.Await) and contained:
            return "use", None
        if contained and isinstance(p, (cst.Expr, cst.Comparison, cst.If, cst.While)):
            return "use", None
        if contained:
            return "escape", "container"
        return "use", None

    def _enclosing_comprehension(self, j: int) -> Optional[int]:
        k = j
        while k >= 0:
            if isinstance(self.stack[k], (cst.GeneratorExp, cst.ListComp, cst.SetComp, cst.DictComp)):
                return k
            k -= 1
        return None

    def _classify_arg(self, arg: cst.Arg, call: cst.Call, index: int, direct: bool) -> Tuple[str, Any]:
        qn = self.callnames.get(id(call))
        func = call.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        fname = (qn or dotted_name(func) or "").rsplit(".", 1)[-1]
        if qn in HANDOFF_FUNCTIONS or method in HANDOFF_METHODS:
            return "escape", "handed to an owner"
        if fname and closeish(fname):
            return "release", fname
        if qn in FILEOBJ_WRAPPERS:
            return "use", None  # `tarfile.open(fileobj=resp)` never closes what it is given
        if qn is not None and (qn in CONSUMERS or (qn.startswith("builtins.") and qn not in BUILTIN_STORES)):
            return "use", "consumed"
        if method in CONSUMER_METHODS:
            return "use", "consumed"
        if qn in BUILTIN_STORES:
            return "escape", "stored"
        if not direct:
            return "escape", "container handed over"
        if method in STORE_METHODS or fname in TASK_CALLABLES or fname.lower().startswith(STORE_PREFIXES):
            return "escape", "stored"
        if arg.keyword is not None and arg.keyword.value in ("args", "kwargs"):
            return "escape", "task"
        positional = arg.keyword is None and not arg.star
        if positional and (fname[:1].isupper() or self._flows(index)):
            return "escape", "kept by a wrapper"
        if self._flows(index):
            # `reader, writer = await open_connection(sock=sock)`, `Loop(asyncio_loop=loop)`
            return "escape", "kept by what the call returns"
        if method is not None and isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            if self.self_name is not None and func.value.value == self.self_name:
                return "escape", "handed to a method of self"
        return "use", None

    def _flows(self, index: int) -> bool:
        """Whether the value of the expression at stack[index] is kept: returned, yielded,
        assigned, used as a with item or passed on."""
        current = self.stack[index]
        j = index - 1
        while j >= 0:
            p = self.stack[j]
            if isinstance(p, _ELEMENTS) or isinstance(p, _CONTAINERS) or isinstance(p, (cst.Await, cst.BooleanOperation)):
                current = p
                j -= 1
                continue
            if isinstance(p, cst.IfExp) and p.test is not current:
                current = p
                j -= 1
                continue
            break
        if j < 0:
            return False
        p = self.stack[j]
        if isinstance(p, (cst.Return, cst.Yield, cst.Lambda)):
            return True
        if isinstance(p, (cst.Assign, cst.AnnAssign, cst.NamedExpr)) and getattr(p, "value", None) is current:
            return True
        if isinstance(p, cst.WithItem) and p.item is current:
            return True
        if isinstance(p, cst.Arg) and j >= 1 and isinstance(self.stack[j - 1], cst.Call):
            outer = self.stack[j - 1]
            qn = self.callnames.get(id(outer))
            if qn is not None and (qn in CONSUMERS or qn.startswith("builtins.")):
                return False
            return True
        return False


def protected(releases: Sequence[Event], first: Optional[Event] = None, swallowing: FrozenSet[int] = frozenset()) -> bool:
    """A release that runs whatever happens: in a `finally`; one in an `except` handler plus
    one on the normal path; or one right after a `try` whose handler swallows every exception
    raised after the acquisition (`try: s = socket(); s.bind(a)` / `except Exception: pass` /
    `s.close()`)."""
    if any(e.in_finally for e in releases):
        return True
    if first is not None:
        for position, ident in first.try_bodies():
            outside = [f for f in first.frames[:position] if f[0] != "if"]
            if ident in swallowing and any(
                [f for f in e.frames if f[0] != "if"] == outside
                and not any(f[1] == ident for f in e.frames)
                and e.order > first.order
                for e in releases
            ):
                return True
    in_handler = [e for e in releases if e.in_handler]
    others = [e for e in releases if not e.in_handler]
    return bool(in_handler) and bool(others)


def follows_at_once(first: Event, releases: Sequence[Event], plain_tries: FrozenSet[int] = frozenset()) -> bool:
    """A release that runs right after the acquisition, with nothing in between that can raise:
    the next statement; the first statement of the `if` whose test acquires
    (`if lock.acquire(False): lock.release()`); the first statement of the `else` of a `try`
    whose body ends with the acquisition."""
    block, index, count = first.stmt
    # the statement after the binding, also after leaving the if / else arms the binding ends
    # (`if a: p = Popen(x)` / `else: p = Popen(y)` / `return p.wait()`)
    nexts = []
    chain = first.chain
    level = len(chain) - 1
    while level >= 0:
        b, i, n, depth = chain[level]
        nexts.append(((b, i + 1), first.frames[:depth] if level < len(chain) - 1 else first.frames))
        if i != n - 1 or level == 0:
            break
        outer_depth = chain[level - 1][3]
        # leaving an if / else arm, or the body of a try without else / finally (whose
        # handlers only run when the binding itself failed)
        if not all(
            kind in ("if", "with") or (kind == "try" and arm == "body" and ident in plain_tries)
            for kind, ident, arm in first.frames[outer_depth:depth]
        ):
            break
        level -= 1
    for e in releases:
        if any(e.frames == frames and e.stmt[:2] == position for position, frames in nexts):
            return True
        # the first statement of the try / with right after the binding
        if e.stmt[1] == 0 and len(e.chain) >= 2 and len(e.frames) >= 1 and e.frames[-1][0] in ("try", "with"):
            if e.frames[-1][2] in ("body",) and any(
                e.frames[:-1] == frames and e.chain[-2][:2] == position for position, frames in nexts
            ):
                return True
        if e.stmt[1] != 0 or len(e.frames) != len(first.frames) + 1 and len(e.frames) != len(first.frames):
            continue
        if isinstance(first.statement, cst.If) and e.frames == first.frames + (("if", id(first.statement), "body"),):
            return True
        if (
            isinstance(first.statement, cst.While)
            and e.frames == first.frames
            and len(e.chain) == len(first.chain) + 1
            and e.chain[-2][:2] == first.chain[-1][:2]
        ):
            return True  # `while lock.acquire(False): lock.release()`
        if first.frames and index == count - 1:
            kind, ident, arm = first.frames[-1]
            if kind == "try" and arm == "body" and e.frames == first.frames[:-1] + (("try", ident, "else"),):
                return True
    return False


__all__ = [
    "CATALOGUE", "Resolver", "Resource", "ResourceOptions", "FlowWalker", "Event", "exclusive", "protected",
    "follows_at_once", "catalogue_triggers", "LOCK_FACTORIES", "RELEASE_ALL", "closeish",
]
