"""The resource catalogue, as data: which calls return something that must be released, how
each kind is released, and the calls that take a resource over or only read it.

Read by the resource rules (LL401-LL404, LL601-LL603) through `leaklint.rules.resources._common`. A
qualified name is what `Context.qualified_name` gives for the call (`builtins.open`,
`zipfile.ZipFile`); third-party names only resolve where the module is imported. Users add
factories with `[tool.leaklint.resources] extra` (they release like GENERIC).
"""

from __future__ import annotations

import re
from typing import Dict, Tuple

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
    # a directory iterator holds a descriptor until it is exhausted or closed: an exception
    # while iterating (or a `break`) leaves it open (`with os.scandir(p) as it:` closes it)
    "os.scandir": CLOSE,
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
# iterators that close themselves when exhausted: fileinput's closes each file at its end
# (`for line in fileinput.input()` is the documented idiom), os.scandir's closes its directory
# descriptor. Iterated to the end they need no close; a loop that can leave early (break,
# return, raise, a call that can fail) leaves them open.
SELF_CLOSING_ITERATION = frozenset({"fileinput.input", "fileinput.FileInput", "os.scandir"})
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
# Plain data attributes of resources: passing one on (`log.info("pid %d", proc.pid)`) hands over
# a value, not the resource or a bound method of it.
DATA_ATTRIBUTES = frozenset({"pid", "returncode", "args", "name", "mode", "closed", "encoding", "family", "type"})
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

# `urlopen(u).read()` reads to the end of the body, and an HTTP response closes its socket there.
READ_TO_EOF_CLOSES = frozenset({"urllib.request.urlopen"})
# detail of a "method" event for `x.read()` without a size: it reads to the end
READ_TO_END = "read()"

# Bases from other modules known not to release their subclasses' attributes: a class built on
# them must release what it stores itself (`analysis.classes.outside_base_may_release`).
NON_RELEASING_BASES = frozenset(
    {
        "builtins.object", "object", "unittest.TestCase", "unittest.case.TestCase",
        "unittest.IsolatedAsyncioTestCase", "abc.ABC", "typing.Generic", "typing.Protocol",
        "threading.Thread", "builtins.Exception", "builtins.dict", "builtins.list",
    }
)
