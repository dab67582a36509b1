"""Findings must not depend on the cache: identical between `--no-cache`, a cold cache, a warm
cache, a cache corrupted every way we know of, and concurrent runs sharing one cache.

    PYTHONPATH=. nice python bench/cache_identity.py /work/corpus [--concurrent 10] [--jobs 1] [--limit N]

`--limit N` checks N Python files spread evenly over the tree (sorted) instead of all of it. Prints
one line per run and exits 1 on the first difference (the report names the run). A small tree
runs in the test suite (tests/test_reliability.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent


def _run(paths: List[str], workdir: str, extra: List[str], jobs: int) -> Tuple[int, str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "leaklint", "--select", "ALL", "--format", "json", "-j", str(jobs), "-q", *extra, *paths],
        cwd=workdir, env=env, capture_output=True, text=True, errors="surrogateescape",
    )
    return proc.returncode, proc.stdout, proc.stderr


def _canonical(stdout: str) -> List[Tuple[Any, ...]]:
    return sorted(
        (f["path"], f["line"], f["column"], f["code"], f["message"], f.get("fingerprint", "")) for f in json.loads(stdout)
    )


# every way an entry or the index can be wrong; each takes (path, original text) -> new bytes
def _corruptions() -> Dict[str, Callable[[Path, bytes], Optional[bytes]]]:
    def edit(fn: Callable[[Any], Any]) -> Callable[[Path, bytes], Optional[bytes]]:
        def apply(path: Path, data: bytes) -> Optional[bytes]:
            try:
                doc = json.loads(data)
            except (ValueError, RecursionError):  # not JSON, or made too deep by an earlier corruption
                return None
            return json.dumps(fn(doc)).encode()

        return apply

    def findings_of(doc: Any) -> Any:
        if isinstance(doc, dict) and isinstance(doc.get("findings"), list):
            for f in doc["findings"]:
                if isinstance(f, dict):
                    f["line"] = f.get("line", 0) + 1000
        if isinstance(doc, dict) and isinstance(doc.get("files"), dict):
            for entry in doc["files"].values():
                if isinstance(entry, list) and entry and isinstance(entry[-1], list):
                    entry[-1].append({"path": "x", "line": 1})
        return doc

    return {
        "empty file": lambda p, d: b"",
        "truncated": lambda p, d: d[: len(d) // 2],
        "garbage bytes": lambda p, d: os.urandom(64),
        "not UTF-8": lambda p, d: b"\xff\xfe" + d,
        "list of strings": lambda p, d: b'["x"]',
        "wrong shape object": lambda p, d: b'{"findings": []}',
        "deeply nested": lambda p, d: b"[" * 100000 + b"]" * 100000,
        "wrong version": edit(lambda doc: {**doc, "version": "0.0.0"} if isinstance(doc, dict) else doc),
        "wrong schema": edit(lambda doc: {**doc, "schema": 1} if isinstance(doc, dict) else doc),
        "wrong salt": edit(lambda doc: {**doc, "salt": "0" * 64} if isinstance(doc, dict) else doc),
        "findings edited, checksum stale": edit(findings_of),
        "null": lambda p, d: b"null",
    }


def check(src: str, workdir: Optional[str] = None, concurrent: int = 10, jobs: int = 1, limit: int = 0, log: Callable[[str], Any] = lambda s: None) -> Dict[str, Any]:
    own = workdir is None
    workdir = workdir or tempfile.mkdtemp(prefix="leaklint-cache-identity-")
    src = os.path.abspath(src)
    paths = [src]
    if limit:
        found = sorted(str(p) for p in Path(src).rglob("*.py") if p.is_file())
        step = max(1, len(found) // limit)
        paths = found[::step][:limit]  # spread over the whole tree, every project
    report: Dict[str, Any] = {"identical": True, "runs": [], "corruptions": 0, "files": len(paths) if limit else None}
    cache = os.path.join(workdir, "cache")

    def record(name: str, rc: int, out: str, err: str, expected: Optional[List[Any]]) -> List[Any]:
        try:
            got = _canonical(out)
        except ValueError:
            got = None
        same = expected is None or got == expected
        if "Traceback" in err:
            same = False
        report["runs"].append({"run": name, "rc": rc, "findings": None if got is None else len(got), "same": same})
        log(f"{name}: rc={rc} findings={None if got is None else len(got)} {'same' if same else 'DIFFERENT'}")
        if not same:
            report["identical"] = False
            report.setdefault("differences", []).append({"run": name, "stderr": err[-2000:]})
        return got or []

    started = time.monotonic()
    rc, out, err = _run(paths, workdir, ["--no-cache"], jobs)
    expected = record("--no-cache", rc, out, err, None)
    record("cold cache", *_run(paths, workdir, ["--cache-dir", cache], jobs), expected)
    record("warm cache", *_run(paths, workdir, ["--cache-dir", cache], jobs), expected)
    for name, corrupt in _corruptions().items():
        touched = 0
        for entry in Path(cache).rglob("*.json"):
            data = entry.read_bytes()
            new = corrupt(entry, data)
            if new is not None:
                entry.write_bytes(new)
                touched += 1
        report["corruptions"] += 1
        record(f"corrupted ({name}, {touched} files)", *_run(paths, workdir, ["--cache-dir", cache], jobs), expected)
        record(f"after corruption ({name})", *_run(paths, workdir, ["--cache-dir", cache], jobs), expected)
    # an entry that is a directory, and a cache directory that is a file
    for entry in list(Path(cache).rglob("*.json"))[:5]:
        entry.unlink()
        entry.mkdir()
    record("entries replaced by directories", *_run(paths, workdir, ["--cache-dir", cache], jobs), expected)
    shutil.rmtree(cache)
    Path(cache).write_text("not a directory")
    record("cache dir is a file", *_run(paths, workdir, ["--cache-dir", cache], jobs), expected)
    os.unlink(cache)
    # concurrent runs sharing one fresh cache, then a warm run after them
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "leaklint", "--select", "ALL", "--format", "json", "-j", str(jobs), "-q", "--cache-dir", cache, *paths],
            cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="surrogateescape",
        )
        for _ in range(concurrent)
    ]
    for i, proc in enumerate(procs):
        out, err = proc.communicate()
        record(f"concurrent run {i + 1}/{concurrent}", proc.returncode, out, err, expected)
    record("warm after concurrent runs", *_run(paths, workdir, ["--cache-dir", cache], jobs), expected)
    report["seconds"] = round(time.monotonic() - started, 1)
    report["findings"] = len(expected)
    if own:
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("src", nargs="?", default=os.environ.get("LEAKLINT_CORPUS", str(ROOT / "bench" / "ecosystem" / "corpus")))
    p.add_argument("--concurrent", type=int, default=10)
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--limit", type=int, default=0, help="only N .py files, spread evenly over the sorted list")
    args = p.parse_args(argv)
    report = check(args.src, concurrent=args.concurrent, jobs=args.jobs, limit=args.limit, log=lambda s: print(s, flush=True))
    print(json.dumps({k: v for k, v in report.items() if k != "runs"}, indent=2))
    return 0 if report["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
