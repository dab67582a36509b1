"""Checking many files: a result cache keyed by content, and a process pool over the cores.

Results come back in the order of the file list (stable output) and are streamed: no tree is
kept after its file is done, so memory stays bounded by the worker count, not the tree size.

Cache entries live in `<cache-dir>/v1/<k[:2]>/<k>.json`, where k hashes the file's bytes, its
display path, the leaklint version and the effective config. Each entry is written to a
temporary file and renamed into place, so concurrent runs never see half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from typing import Iterator, List, Optional, Sequence, Tuple

from . import __version__
from .config import Config
from .types import Finding


@dataclass
class FileResult:
    path: str
    findings: List[Finding] = field(default_factory=list)
    error: Optional[str] = None  # an internal error (a bug in leaklint), never a user problem
    cached: bool = False


class Cache:
    def __init__(self, directory: str, config: Config) -> None:
        self.directory = os.path.join(directory, "v1")
        self.salt = f"{__version__}\0{config.fingerprint()}"

    def key(self, display: str, data: bytes) -> str:
        h = hashlib.sha256()
        h.update(self.salt.encode())
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
        target = self._path(key)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump([f.as_dict() for f in findings], fh)
            os.replace(tmp, target)
        except OSError:
            # a read-only or full disk must never fail the run: the cache is an optimisation
            try:
                os.unlink(tmp)  # type: ignore[possibly-undefined]
            except (OSError, UnboundLocalError, NameError):
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


# ------------------------------------------------------------------------------ workers
_worker_config: Optional[Config] = None
_worker_cache: Optional[Cache] = None


def _init_worker(config: Config, cache_dir: Optional[str]) -> None:
    global _worker_config, _worker_cache
    _worker_config = config
    _worker_cache = Cache(cache_dir, config) if cache_dir else None
    # load the rules once per process, not per file
    config.enabled_rules()


def _check_one(path: str) -> FileResult:
    from .engine import InternalError, SourceError, add_fingerprints, decode_source, error_finding, lint_source
    from .files import display_path

    assert _worker_config is not None
    shown = display_path(path)
    try:
        data = _read_bytes(path)
    except SourceError as err:
        return FileResult(shown, add_fingerprints([error_finding(shown, err)], ""))
    key = None
    if _worker_cache is not None:
        key = _worker_cache.key(shown, data)
        hit = _worker_cache.get(key)
        if hit is not None:
            return FileResult(shown, hit, cached=True)
    try:
        findings = lint_source(data, shown, _worker_config)
    except InternalError as exc:
        return FileResult(shown, [], error=str(exc))
    except Exception as exc:  # pragma: no cover - last line of defence: never a traceback
        return FileResult(shown, [], error=f"{shown}: internal error: {type(exc).__name__}: {exc}")
    if _worker_cache is not None and key is not None:
        _worker_cache.put(key, findings)
    return FileResult(shown, findings)


def _read_bytes(path: str) -> bytes:
    from .engine import SourceError

    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        if os.path.islink(path):
            raise SourceError("broken symbolic link") from None
        raise SourceError("file not found") from None
    except IsADirectoryError:
        raise SourceError("is a directory") from None
    except PermissionError:
        raise SourceError("permission denied") from None
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def check_files(paths: Sequence[str], config: Config, jobs: int, cache_dir: Optional[str]) -> Iterator[FileResult]:
    """Lint `paths`, yielding one FileResult per path in the given order."""
    if cache_dir:
        ensure_cache_dir(cache_dir)
    jobs = max(1, jobs)
    if jobs == 1 or len(paths) < 2 * jobs:
        _init_worker(config, cache_dir)
        for path in paths:
            yield _check_one(path)
        return
    import multiprocessing

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - no fork on this platform
        context = multiprocessing.get_context()
    chunksize = max(1, min(8, len(paths) // (jobs * 8)))
    with context.Pool(jobs, initializer=_init_worker, initargs=(config, cache_dir)) as pool:
        yield from pool.imap(_check_one, paths, chunksize=chunksize)


__all__: Tuple[str, ...] = ("FileResult", "Cache", "check_files", "default_jobs")
