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
from .types import Finding

CACHE_LAYOUT = "v2"
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


def code_fingerprint() -> str:
    """What the installed code is: leaklint's own modules, libcst, Python, and the installed
    distributions (rule plugins come from entry points). Computed without importing any of
    them."""
    package = os.path.dirname(os.path.abspath(__file__))
    parts: List[Any] = [__version__, sys.version, sys.implementation.name]
    for directory, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                parts.append([os.path.relpath(path, package), *_stat_key(path)])
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
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class Cache:
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

    def get(self, key: str) -> Optional[List[Finding]]:
        try:
            with open(self._path(key), encoding="utf-8") as fh:
                data = json.load(fh)
            return [Finding.from_dict(d) for d in data]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, findings: Sequence[Finding]) -> None:
        _atomic_write(self._path(key), json.dumps([f.as_dict() for f in findings]))

    # ---------------------------------------------------------------- stat index
    @property
    def index_path(self) -> str:
        return os.path.join(self.directory, f"index-{self.salt[:32]}.json")

    def load_index(self) -> Dict[str, list]:
        try:
            with open(self.index_path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("salt") != self.salt or not isinstance(data.get("files"), dict):
            return {}
        if self.project and data.get("project", "") != self.project:
            return {}
        return data["files"]

    def save_index(self, files: Dict[str, list]) -> None:
        _atomic_write(self.index_path, json.dumps({"salt": self.salt, "project": self.project, "files": files}, separators=(",", ":")))


def _atomic_write(target: str, text: str) -> None:
    tmp = None
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except OSError:
        # a read-only or full disk must never fail the run: the cache is an optimisation
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def ensure_cache_dir(directory: str) -> None:
    """Create the cache dir with a .gitignore of its own (as ruff and pytest do)."""
    try:
        os.makedirs(directory, exist_ok=True)
        marker = os.path.join(directory, ".gitignore")
        if not os.path.exists(marker):
            with open(marker, "w") as fh:
                fh.write("# created by leaklint\n*\n")
    except OSError:
        pass


def _stat_signature(st: os.stat_result) -> List[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


# ------------------------------------------------------------------------------ workers
_worker_config: Optional[Config] = None
_worker_cache: Optional[Cache] = None
# the project's lifetime model: built once per run in the parent, before the pool forks, so
# every worker shares it (copy-on-write) instead of building its own
_worker_project: Any = None


def build_project(paths: Sequence[str], cache_dir: Optional[str]) -> Any:
    """The lifetime model of the project(s) holding `paths` (every file of each project, not only
    `paths`), its per-file summaries cached under `cache_dir`; None when it cannot be built (rules
    then judge each file alone)."""
    from .analysis.project import build_index

    try:
        return build_index(list(paths), cache_dir=os.path.join(cache_dir, CACHE_LAYOUT) if cache_dir else None)
    except (OSError, RecursionError, MemoryError, ValueError):
        return None


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


def _check(path: str) -> Tuple[FileResult, _IndexInfo]:
    from .engine import InternalError, SourceError, add_fingerprints, error_finding, lint_source, read_bytes
    from .files import display_path

    assert _worker_config is not None
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
        data = read_bytes(path)
    except SourceError as err:
        return FileResult(shown, add_fingerprints([error_finding(shown, err)], "")), (None, None)
    key = None
    if _worker_cache is not None:
        key = _worker_cache.key(shown, data)
        hit = _worker_cache.get(key)
        if hit is not None:
            return FileResult(shown, hit, cached=True), (signature, key)
    try:
        project = _worker_project
        findings = lint_source(data, shown, _worker_config, project=project, module=project.module_of(path) if project is not None else None)
    except InternalError as exc:
        return FileResult(shown, [], error=str(exc)), (None, None)
    except Exception as exc:  # pragma: no cover - last line of defence: never a traceback
        return FileResult(shown, [], error=f"{shown}: internal error: {type(exc).__name__}: {exc}"), (None, None)
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


def _chunks(items: Sequence[Tuple[int, str, int]], jobs: int) -> List[List[Tuple[int, str]]]:
    """Largest files first, in chunks that shrink as the work left shrinks (guided
    scheduling): early chunks are big enough that small files do not pay a round trip each,
    the last ones are single small files, so no worker idles long while another finishes."""
    ordered = sorted(items, key=lambda item: -item[2])
    remaining = sum(max(size, 1) for _, _, size in ordered)
    chunks: List[List[Tuple[int, str]]] = []
    current: List[Tuple[int, str]] = []
    weight = 0
    target = max(1, remaining // (jobs * 8))
    for index, path, size in ordered:
        current.append((index, path))
        weight += max(size, 1)
        if weight >= target or len(current) >= 32:
            chunks.append(current)
            remaining -= weight
            current, weight = [], 0
            target = max(1, remaining // (jobs * 8))
    if current:
        chunks.append(current)
    return chunks


def check_files(
    paths: Sequence[str],
    config: Config,
    jobs: int,
    cache_dir: Optional[str],
    before_linting: Optional[Callable[[], Any]] = None,
) -> Iterator[FileResult]:
    """Lint `paths`, yielding one FileResult per path in the given order. `before_linting` is
    called once before the first file that the cache cannot answer."""
    from .files import display_path

    global _worker_project
    cache: Optional[Cache] = None
    index: Dict[str, list] = {}
    if cache_dir:
        ensure_cache_dir(cache_dir)
    # findings may depend on other files of the project: the model's digest salts the cache
    _worker_project = build_project(paths, cache_dir) if paths else None
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
                if entry is not None and entry[:5] == _stat_signature(st):
                    try:
                        results[i] = FileResult(shown, [Finding.from_dict(d) for d in entry[6]], cached=True)
                        continue
                    except (IndexError, KeyError, TypeError, ValueError):
                        pass
        todo.append((i, path, size))

    changed = False

    def record(result: FileResult, info: _IndexInfo) -> None:
        nonlocal changed
        signature, key = info
        if cache is None or result.error:
            return
        if signature is None or key is None:
            if index.pop(result.path, None) is not None:
                changed = True
            return
        index[result.path] = [*signature, key, [f.as_dict() for f in result.findings]]
        changed = True

    jobs = max(1, jobs)
    if todo:
        if before_linting is not None:
            before_linting()
        _init_worker(config, cache)
    if not todo:
        pass
    elif jobs == 1 or len(todo) < 2 * jobs:
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
    else:
        import multiprocessing

        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # pragma: no cover - no fork on this platform
            context = multiprocessing.get_context()
        # the workers share the parent's modules copy-on-write: keep the collector from
        # touching (and so copying) them in every worker
        gc.freeze()
        try:
            pool = context.Pool(jobs, initializer=_init_worker, initargs=(config, cache))
        finally:
            gc.unfreeze()
        with pool:
            done = pool.imap_unordered(_check_chunk, _chunks(todo, jobs))
            for i in range(len(paths)):
                while i not in results:
                    for index_i, result, info in next(done):
                        record(result, info)
                        results[index_i] = result
                yield results.pop(i)
        _save(cache, index, changed)
        return
    for i in range(len(paths)):
        yield results.pop(i)
    _save(cache, index, changed)


def _save(cache: Optional[Cache], index: Dict[str, list], changed: bool) -> None:
    if cache is None or not changed:
        return
    # keep entries other runs (other paths, same configuration) wrote meanwhile
    merged = cache.load_index()
    merged.update(index)
    cache.save_index(merged)


__all__: Tuple[str, ...] = ("FileResult", "Cache", "check_files", "default_jobs", "code_fingerprint")
