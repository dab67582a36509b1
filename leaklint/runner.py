"""Checking many files: a result cache keyed by content, a stat index, and a process pool.

Results come back in the order of the file list (stable output) and are streamed: no tree is
kept after its file is done, so memory stays bounded by the worker count, not the tree size.

The cache (`<cache-dir>/v2/`) has two layers, both under a *salt* that changes whenever the
results could: the leaklint version, the source files of the installed leaklint package (size
and modification time of every module, so an edited rule invalidates too), the libcst and the
Python version, the installed distributions (the modification time of every site-packages
directory: installing or removing a rule plugin changes it) and the effective configuration.

- entries `<k[:2]>/<k>.json`, where k hashes the salt, the display path and the file's bytes;
- an index `index-<salt>.json`: display path -> (device, inode, size, mtime, ctime, k,
  findings). A file whose `stat` is unchanged is a hit without being read, and a run whose every
  file is a hit never imports libcst, the engine or the rules. An entry is only trusted when
  the file had not been modified for two seconds when it was read, so a write within the
  timestamp granularity cannot hide behind an unchanged `stat`.

Every write goes to a temporary file renamed into place, so concurrent runs never see half an
entry; when two runs write the index at once, the last one wins and the other's new entries
are merely recomputed next time. An unwritable cache directory only makes the run slower.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from . import __version__
from .config import Config
from .types import Confidence, Finding

CACHE_LAYOUT = "v3"
# A file modified less than this many seconds before it was read is not put in the index.
RACY_SECONDS = 2.0


@dataclass
class FileResult:
    path: str
    findings: List[Finding] = field(default_factory=list)
    error: Optional[str] = None  # an internal error (a bug in leaklint), never a user problem
    cached: bool = False


# ------------------------------------------------------------------------------ salt
def _stat_key(path: str) -> List[int]:
    try:
        st = os.stat(path)
    except OSError:
        return []
    return [st.st_size, st.st_mtime_ns]


def _content_key(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return ""


def code_fingerprint() -> str:
    """What the installed code is: the content of leaklint's own modules (an edited rule file
    invalidates even with its size and mtime preserved: `cp -p`, `rsync -a`), libcst, Python,
    and the installed distributions (rule plugins come from entry points). Computed without
    importing any of them."""
    package = os.path.dirname(os.path.abspath(__file__))
    parts: List[Any] = [__version__, sys.version, sys.implementation.name]
    for directory, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py") or name.endswith(".json"):
                path = os.path.join(directory, name)
                parts.append([os.path.relpath(path, package), _content_key(path)])
    try:
        import importlib.util

        spec = importlib.util.find_spec("libcst")
        if spec is not None and spec.origin:
            parts.append(["libcst", *_stat_key(spec.origin)])
    except (ImportError, ValueError):  # pragma: no cover - libcst missing: the engine will say so
        pass
    for entry in sys.path:
        if os.path.basename(entry.rstrip(os.sep)) in ("site-packages", "dist-packages"):
            parts.append(["dists", entry, *_stat_key(entry)])
    return hashlib.sha256(json.dumps(parts).encode("utf-8", "surrogatepass")).hexdigest()


def config_fingerprint(config: Config) -> str:
    """Everything in the configuration that can change results (the selection as written: with
    the code fixed, it decides the rule set)."""
    data = {
        "select": config.select,
        "ignore": config.ignore,
        "extend_select": config.extend_select,
        "per_file_ignores": config.per_file_ignores,
        "min_confidence": int(config.min_confidence),
        "rule_options": repr(config.rule_options),
        "root": config.root if config.per_file_ignores else "",
        "max_file_size": config.max_file_size,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


CACHE_SCHEMA = 3


def _checksum(findings: Any) -> str:
    return hashlib.sha256(json.dumps(findings, sort_keys=True, separators=(",", ":")).encode("utf-8", "surrogatepass")).hexdigest()


_FIELDS = (("path", str), ("line", int), ("column", int), ("end_line", int), ("end_column", int), ("code", str), ("name", str), ("message", str))


def findings_from_data(data: Any, path: Optional[str] = None) -> Optional[List[Finding]]:
    """Findings from cached JSON, or None when anything about it is odd (wrong shape, wrong
    types, another file's findings)."""
    if not isinstance(data, list):
        return None
    out = []
    for item in data:
        if not isinstance(item, dict):
            return None
        for name, kind in _FIELDS:
            value = item.get(name)
            if not isinstance(value, kind) or isinstance(value, bool):
                return None
        if path is not None and item["path"] != path:
            return None
        try:
            out.append(Finding.from_dict(item))
        except Exception:
            return None
    return out


class Cache:
    """Entries are validated on read: the schema, the leaklint version, the salt (rule code,
    configuration), the key and a checksum of the findings; anything odd is a miss, and the
    entry is rewritten when the file has been analysed again."""

    def __init__(self, directory: str, config: Config, project: str = "") -> None:
        self.directory = os.path.join(directory, CACHE_LAYOUT)
        self.salt = hashlib.sha256(f"{code_fingerprint()}\0{config_fingerprint(config)}".encode()).hexdigest()
        # a file's findings may depend on the rest of its project: the digest of the project's
        # lifetime model (leaklint.analysis.lifetime.ProjectIndex.fingerprint) is part of every
        # key, and a stat index written for another digest is not trusted
        self.project = project

    def key(self, display: str, data: bytes) -> str:
        h = hashlib.sha256()
        h.update(self.salt.encode())
        h.update(b"\0")
        h.update(self.project.encode())
        h.update(b"\0")
        h.update(display.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
        h.update(data)
        return h.hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], key + ".json")

    def get(self, key: str, path: Optional[str] = None) -> Optional[List[Finding]]:
        try:
            with open(self._path(key), encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError, RecursionError, MemoryError):
            return None
        if (
            not isinstance(data, dict)
            or data.get("schema") != CACHE_SCHEMA
            or data.get("version") != __version__
            or data.get("salt") != self.salt
            or data.get("key") != key
        ):
            return None
        try:
            if data.get("checksum") != _checksum(data.get("findings")):
                return None
        except (TypeError, ValueError):
            return None
        return findings_from_data(data.get("findings"), path)

    def put(self, key: str, findings: Sequence[Finding]) -> None:
        items = [f.as_dict() for f in findings]
        doc = {"schema": CACHE_SCHEMA, "version": __version__, "salt": self.salt, "key": key, "checksum": _checksum(items), "findings": items}
        _atomic_write(self._path(key), json.dumps(doc))

    # ---------------------------------------------------------------- stat index
    @property
    def index_path(self) -> str:
        return os.path.join(self.directory, f"index-{self.salt[:32]}.json")

    def load_index(self) -> Dict[str, list]:
        try:
            with open(self.index_path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError, RecursionError, MemoryError):
            return {}
        if (
            not isinstance(data, dict)
            or data.get("schema") != CACHE_SCHEMA
            or data.get("salt") != self.salt
            or not isinstance(data.get("files"), dict)
        ):
            return {}
        try:
            if data.get("checksum") != _checksum(data["files"]):
                return {}
        except (TypeError, ValueError):
            return {}
        if self.project and data.get("project", "") != self.project:
            return {}
        return data["files"]

    def save_index(self, files: Dict[str, list]) -> None:
        doc = {"schema": CACHE_SCHEMA, "salt": self.salt, "project": self.project, "checksum": _checksum(files), "files": files}
        _atomic_write(self.index_path, json.dumps(doc, separators=(",", ":")))


def _atomic_write(target: str, text: str) -> None:
    """Write a cache file with the project's one atomic write; a read-only or full disk must
    never fail the run (the cache is an optimisation), so a failure is ignored."""
    from .fsutil import WriteError, write_text_atomic

    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        write_text_atomic(target, text, keep_mode=False)
    except (OSError, WriteError, UnicodeError):
        pass


def ensure_cache_dir(directory: str) -> Optional[str]:
    """Create the cache dir with a .gitignore of its own (as ruff and pytest do). Returns why
    the cache cannot be used, or None when it can."""
    try:
        os.makedirs(os.path.join(directory, CACHE_LAYOUT), exist_ok=True)
        marker = os.path.join(directory, ".gitignore")
        if not os.path.exists(marker):
            with open(marker, "w") as fh:
                fh.write("# created by leaklint\n*\n")
        probe = os.path.join(directory, CACHE_LAYOUT)
        fd, tmp = tempfile.mkstemp(dir=probe, prefix=".probe-")
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


def _stat_signature(st: os.stat_result) -> List[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


# ------------------------------------------------------------------------------ workers
_worker_config: Optional[Config] = None
_worker_cache: Optional[Cache] = None
VERBOSE = False  # tracebacks in internal-error findings (--verbose)
# the project's lifetime model: built once per run in the parent, before the pool forks, so
# every worker shares it (copy-on-write) instead of building its own
_worker_project: Any = None


def build_project(paths: Sequence[str], cache_dir: Optional[str], jobs: int = 1) -> Any:
    """The lifetime model of the project(s) holding `paths` (every file of each project, not only
    `paths`), its per-file summaries cached under `cache_dir` (those the cache does not hold made
    by `jobs` worker processes); None when it cannot be built (rules then judge each file alone)."""
    from .analysis.project import build_index

    try:
        if not cache_dir:
            return build_index(list(paths), jobs=jobs)
        # the digest salts the result cache; an unchanged project's digest is kept beside it
        return build_index(list(paths), cache_dir=os.path.join(cache_dir, CACHE_LAYOUT), digest_salt=code_fingerprint(), jobs=jobs)
    except (OSError, RecursionError, MemoryError, ValueError):
        return None


def solve_project(project: Any) -> Any:
    """`project` with its verdicts computed, or None when they cannot be (rules then judge each
    file alone, as when the model cannot be built)."""
    if project is None:
        return None
    try:
        project.solve()
    except (RecursionError, MemoryError, ValueError):
        return None
    return project


def _init_worker(config: Config, cache: Optional[Cache], project: Any = None) -> None:
    global _worker_config, _worker_cache, _worker_project
    _worker_config = config
    _worker_cache = cache
    if project is not None:
        _worker_project = project
    # load the engine and the rules once per process, not per file (before a fork: once)
    from . import engine  # noqa: F401

    config.enabled_rules()
    # everything loaded so far (libcst, the rules, the config) lives as long as the process:
    # move it out of the collector's sight, so each full collection while a file's tree is
    # alive does not walk it again (about 5% of a run)
    gc.freeze()


# (signature for the index or None, content key or None) travel back with each result
_IndexInfo = Tuple[Optional[List[int]], Optional[str]]


def _check_one(path: str) -> FileResult:
    return _check(path)[0]


def _check(path: str, data: Optional[bytes] = None) -> Tuple[FileResult, _IndexInfo]:
    """One file; or, with `data`, source that is not a file (stdin) shown as `path`: not cached,
    and judged alone (no project model), as the CLI always judged stdin."""
    from .engine import SourceError, add_fingerprints, analyze, error_finding, read_bytes
    from .files import display_path

    assert _worker_config is not None
    if data is not None:
        findings = analyze(data, path, _worker_config, verbose=VERBOSE)
        if any(f.code == "LL000" and f.message.startswith("internal error") for f in findings):
            return FileResult(path, findings, error=findings[0].message.split("\n")[0]), (None, None)
        return FileResult(path, findings), (None, None)
    shown = display_path(path)
    signature: Optional[List[int]] = None
    if _worker_cache is not None:
        try:
            st = os.stat(path)
            # trusted only if not modified within the timestamp granularity before reading
            if time.time() - st.st_mtime > RACY_SECONDS and time.time() - st.st_ctime > RACY_SECONDS:
                signature = _stat_signature(st)
        except OSError:
            pass
    try:
        data = read_bytes(path, _worker_config.max_file_size)
    except SourceError as err:
        return FileResult(shown, add_fingerprints([error_finding(shown, err)], "")), (None, None)
    key = None
    if _worker_cache is not None:
        key = _worker_cache.key(shown, data)
        hit = _worker_cache.get(key, shown)
        if hit is not None:
            return FileResult(shown, hit, cached=True), (signature, key)
    # the failure contract: a bug in a rule is an LL000 finding for this file, never a traceback
    project = _worker_project
    module = project.module_of(path) if project is not None else None
    findings = analyze(data, shown, _worker_config, verbose=VERBOSE, project=project, module=module)
    if any(f.code == "LL000" and f.message.startswith("internal error") for f in findings):
        return FileResult(shown, findings, error=findings[0].message.split("\n")[0]), (None, None)
    if _worker_cache is not None and key is not None:
        _worker_cache.put(key, findings)
    return FileResult(shown, findings), (signature, key)


def _check_chunk(chunk: Sequence[Tuple[int, str]]) -> List[Tuple[int, FileResult, _IndexInfo]]:
    return [(i, *_check(path)) for i, path in chunk]


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def timeout_message(budget: float) -> str:
    """The one LL000 message for a file over `file-timeout`, wherever it ran (a CLI worker,
    stdin, the flake8 plugin)."""
    return f"analysis stopped after {budget:g} s (file-timeout); the file is too large or too deeply nested to analyze in time"


def _stopped(path: str, message: str) -> FileResult:
    from .engine import LL000, LL000_NAME

    finding = Finding(path=path, line=1, column=1, end_line=1, end_column=1, code=LL000, name=LL000_NAME, message=message, confidence=Confidence.HIGH)
    from .engine import add_fingerprints

    return FileResult(path, add_fingerprints([finding], ""), error=message)


# What a worker would otherwise do on its first files, inside their time budget: the walker
# plans each node type on first sight, the fixers are imported on first use. Done once in the
# parent before the workers fork, it is shared by all of them, and by every worker that
# replaces one stopped over its budget.
_WARM_UP = """\
import functools, threading, weakref
from contextlib import closing
_seen = {}
class Owner(Base):
    @functools.lru_cache(maxsize=None)
    def get(self, key, *args, flag=False, **kw):
        with open(key) as fh, closing(fh):
            data = [x for x in fh if x] + list({k: v for k, v in kw.items()}) + [*args]
        try:
            self.cb = lambda e=None: self.get(e)
            _seen[key] = (data, not flag, -1, 1 + 2, f"{key!r}")
        except (OSError, ValueError) as exc:
            raise RuntimeError("x") from exc
        finally:
            del data
        for i in range(3):
            while i:
                i -= 1
                if i > 1 or i is None:
                    continue
                break
        global _w
        _w = weakref.ref(self) if key else threading.Thread(target=self.get, daemon=True)
        return self.get(key)[0:1]
async def main(q):
    async with q as s:
        async for x in s:
            await x
            yield x
assert _seen, "warm"
"""


def _warm_up(config: Config) -> None:
    try:
        from .engine import lint_source

        lint_source(_WARM_UP, "leaklint_warm_up.py", config)
    except Exception:  # the warm-up is an optimisation; the file that needs it will say what is wrong
        pass


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every worker is ended on the way out."""


# ------------------------------------------------------------------------------ supervision
def _worker_main(conn: Any, config: Config, cache: Optional[Cache]) -> None:
    """A worker process: tasks (index, path) in, (index, result, info) out, one at a time."""
    import signal

    # Ctrl-C goes to the whole process group: the parent decides, the workers do not print
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    global _worker_config, _worker_cache
    if _worker_config is None:
        _init_worker(config, cache)
    _worker_config, _worker_cache = config, cache
    try:
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):
                break
            if task is None:
                break
            if len(task) == 3:  # (index, display path, bytes): source that is not a file
                index, shown, data = task
                out = [(index, *_check(shown, data))]
            else:
                out = _check_chunk([task])
            try:
                conn.send(out[0])
            except (OSError, ValueError):
                break
    finally:
        # no atexit handlers, no flushing of the parent's buffers copied by fork
        os._exit(0)


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGKILL to this process when its parent dies (however it dies),
    so no worker outlives an interrupted or killed run."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # pragma: no cover - not Linux
        pass


class _Worker:
    def __init__(self, context: Any, config: Config, cache: Optional[Cache]) -> None:
        import multiprocessing

        parent, child = multiprocessing.Pipe(duplex=True)
        self.process = context.Process(target=_worker_main, args=(child, config, cache), daemon=True)
        self.process.start()
        child.close()
        self.conn = parent
        self.task: Optional[Tuple[int, str]] = None
        self.started = 0.0

    def send(self, task: Tuple[int, str], data: Optional[bytes] = None) -> None:
        self.task = task
        self.started = time.monotonic()
        self.conn.send(task if data is None else (*task, data))

    def kill(self) -> None:
        try:
            self.process.kill()
        except Exception:
            pass
        try:
            self.conn.close()
        except Exception:
            pass

    def reap(self, timeout: float = 1.0) -> None:
        self.process.join(timeout)

    def how_it_died(self) -> str:
        self.process.join(1.0)
        code = self.process.exitcode
        if code is None:
            return "the worker process stopped answering"
        if code < 0:
            import signal

            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"the worker process was killed by {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
        return f"the worker process exited with status {code}"


def _supervised(
    todo: Sequence[Tuple[int, str, int]],
    config: Config,
    cache: Optional[Cache],
    jobs: int,
    sources: Optional[Dict[int, bytes]] = None,
) -> Iterator[Tuple[int, FileResult, _IndexInfo]]:
    """Run `todo` in `jobs` worker processes, one file at a time each, largest first. A file
    over the time budget has its worker killed and replaced (LL000 "analysis stopped after N
    s"); a worker that dies (OOM killer, native crash, SIGKILL) is detected, its file reported
    as LL000 and the worker replaced. Every worker is ended on the way out, however the
    parent leaves (Ctrl-C, SIGTERM, an exception). `sources` maps an index of `todo` to the
    bytes to check instead of reading its path (stdin; the path is then its display name)."""
    import multiprocessing
    from multiprocessing.connection import wait

    from .files import display_path

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - no fork on this platform
        context = multiprocessing.get_context()
    budget = config.file_timeout
    _warm_up(config)
    queue = [(i, path) for i, path, _ in sorted(todo, key=lambda item: -item[2])]
    queue.reverse()  # pop() from the end: largest first
    workers: List[_Worker] = []
    # the workers share the parent's modules copy-on-write: keep the collector from touching
    # (and so copying) them in every worker
    gc.freeze()
    try:
        for _ in range(min(jobs, len(queue))):
            workers.append(_Worker(context, config, cache))
    finally:
        gc.unfreeze()

    sources = sources or {}

    def feed(worker: _Worker) -> None:
        if queue:
            try:
                task = queue.pop()
                worker.send(task, sources.get(task[0]))
            except (OSError, ValueError):
                pass  # found dead on the next wait

    try:
        for w in workers:
            feed(w)
        while any(w.task is not None for w in workers):
            busy = [w for w in workers if w.task is not None]
            timeout = None
            if budget:
                now = time.monotonic()
                timeout = max(0.0, min(w.started + budget - now for w in busy)) + 0.01
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
            for w in list(busy):
                replace = False
                message = None
                if w.conn in ready:
                    try:
                        index, result, info = w.conn.recv()
                    except (EOFError, OSError, ValueError):
                        replace = True
                        message = None
                    else:
                        w.task = None
                        yield index, result, info
                        feed(w)
                        continue
                elif w.process.sentinel in ready:
                    replace = True
                elif budget and time.monotonic() - w.started > budget:
                    replace = True
                    message = timeout_message(budget)
                if not replace:
                    continue
                assert w.task is not None
                index, path = w.task
                if message is None:
                    message = f"not analyzed: {w.how_it_died()} while analyzing this file"
                w.kill()
                w.reap()
                workers.remove(w)
                yield index, _stopped(path if index in sources else display_path(path), message), (None, None)
                if queue:
                    gc.freeze()
                    try:
                        fresh = _Worker(context, config, cache)
                    finally:
                        gc.unfreeze()
                    workers.append(fresh)
                    feed(fresh)
    finally:
        for w in workers:
            if w.task is None:
                try:
                    w.conn.send(None)
                except Exception:
                    pass
        for w in workers:
            if w.task is not None:
                w.kill()
        deadline = time.monotonic() + 1.0
        for w in workers:
            w.process.join(max(0.0, deadline - time.monotonic()))
            if w.process.exitcode is None:
                w.kill()
                w.process.join(0.5)
            try:
                w.conn.close()
            except Exception:
                pass


def effective_jobs(jobs: int, files: int) -> int:
    """Never more workers than cores (`--jobs 64` on 2 cores would fork 64 memory-hungry
    processes for no speed) nor than files."""
    return max(1, min(jobs, default_jobs(), max(files, 1)))


def check_files(
    paths: Sequence[str],
    config: Config,
    jobs: int,
    cache_dir: Optional[str],
    before_linting: Optional[Callable[[], Any]] = None,
    warn: Optional[Callable[[str], Any]] = None,
) -> Iterator[FileResult]:
    """Lint `paths`, yielding one FileResult per path in the given order. `before_linting` is
    called once before the first file that the cache cannot answer; `warn` receives the one
    warning about an unusable cache directory."""
    from .files import display_path

    global _worker_project
    cache: Optional[Cache] = None
    index: Dict[str, list] = {}
    if cache_dir:
        problem = ensure_cache_dir(cache_dir)
        if problem is not None:
            if warn is not None:
                warn(f"cache directory {cache_dir} is not usable ({problem}); running without a cache")
            cache_dir = None
    # findings may depend on other files of the project: the model's digest salts the cache
    # (summarized by as many processes as will lint: the project's files, not only `paths`)
    _worker_project = build_project(paths, cache_dir, jobs=effective_jobs(jobs, 1 << 30)) if paths else None
    if cache_dir:
        cache = Cache(cache_dir, config, _worker_project.fingerprint() if _worker_project is not None else "")
        index = cache.load_index()
    results: Dict[int, FileResult] = {}
    todo: List[Tuple[int, str, int]] = []
    for i, path in enumerate(paths):
        size = 0
        if cache is not None:
            try:
                st = os.stat(path)
            except OSError:
                st = None
            if st is not None:
                size = st.st_size
                shown = display_path(path)
                entry = index.get(shown)
                if isinstance(entry, list) and len(entry) == 7 and entry[:5] == _stat_signature(st):
                    hit = findings_from_data(entry[6], shown)
                    if hit is not None:
                        results[i] = FileResult(shown, hit, cached=True)
                        continue
        else:
            try:
                size = os.stat(path).st_size
            except OSError:
                size = 0
        todo.append((i, path, size))

    changed = False

    def record(result: FileResult, info: _IndexInfo) -> None:
        nonlocal changed
        signature, key = info
        if cache is None or result.error:
            if cache is not None and index.pop(result.path, None) is not None:
                changed = True
            return
        if signature is None or key is None:
            if index.pop(result.path, None) is not None:
                changed = True
            return
        index[result.path] = [*signature, key, [f.as_dict() for f in result.findings]]
        changed = True

    jobs = effective_jobs(jobs, len(todo))
    if todo:
        if before_linting is not None:
            before_linting()
        # the model's verdicts are computed on first use; here, before any worker forks, so
        # that the workers share them (a run the cache answers entirely never computes them)
        _worker_project = solve_project(_worker_project)
        _init_worker(config, cache)
    if todo and jobs == 1 and not config.file_timeout:
        # no budget to enforce: in this process
        pending = iter(todo)
        for i in range(len(paths)):
            if i not in results:
                index_i, path, _ = next(pending)
                result, info = _check(path)
                record(result, info)
                yield result
            else:
                yield results.pop(i)
        _save(cache, index, changed)
        return
    if todo:
        # in supervised worker processes, also for one job: the only way to stop a parse that
        # runs in native code holding the GIL, and to answer Ctrl-C at once
        done = _supervised(todo, config, cache, jobs)
        try:
            for i in range(len(paths)):
                while i not in results:
                    index_i, result, info = next(done)
                    record(result, info)
                    results[index_i] = result
                yield results.pop(i)
        finally:
            done.close()
        _save(cache, index, changed)
        return
    for i in range(len(paths)):
        yield results.pop(i)
    _save(cache, index, changed)


def check_source(data: bytes, shown: str, config: Config) -> FileResult:
    """Source read from stdin (`leaklint -`), shown as `shown`, under the supervision files get:
    with a time budget (`file-timeout`) it is analysed in a supervised worker process, so a
    source over the budget is LL000 "analysis stopped after N s" (its worker killed, even in
    the middle of a native parse), a worker that dies is LL000, and Ctrl-C / SIGTERM end it at
    once; without a budget, in this process, as `--jobs 1` checks files."""
    _init_worker(config, None)
    if not config.file_timeout:
        return _check(shown, data)[0]
    done = _supervised([(0, shown, len(data))], config, None, 1, sources={0: data})
    try:
        for _, result, _ in done:
            return result
    finally:
        done.close()
    return _stopped(shown, "not analyzed: the worker process gave no result")  # pragma: no cover - one task, one result


def _save(cache: Optional[Cache], index: Dict[str, list], changed: bool) -> None:
    if cache is None or not changed:
        return
    # keep entries other runs (other paths, same configuration) wrote meanwhile
    merged = cache.load_index()
    merged.update(index)
    cache.save_index(merged)


__all__: Tuple[str, ...] = ("FileResult", "Cache", "check_files", "check_source", "timeout_message", "default_jobs", "code_fingerprint", "effective_jobs", "Terminated")
