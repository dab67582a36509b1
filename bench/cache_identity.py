"""Findings must not depend on the cache: identical between `--no-cache`, a cold cache, a warm
cache, a cache corrupted every way we know of, and concurrent runs sharing one cache.

    PYTHONPATH=. nice python bench/cache_identity.py /work/corpus [--concurrent 10] [--jobs 1] [--limit N]

The whole ecosystem corpus on a shared 2-core machine (result in bench/results/; the command of
the recorded run is in its "argv"):

    PYTHONPATH=. nice -n 10 python bench/cache_identity.py /work/corpus --jobs 2 \\
        --corrupt-share 0.2 --concurrent-missing 0.1 --degraded-sample 300 \\
        --output bench/results/cache_identity.json

Every corruption is applied at once, each to its own share of the entries, so the cost is two
full analyses (no cache, cold cache) plus the concurrent runs, not one per corruption; the
options above shrink the rest (see `check`).
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


def _kinds() -> List[Tuple[str, Callable[[Path, bytes], Optional[bytes]]]]:
    """Every corruption, plus one that replaces an entry by a directory (None: done in place)."""
    kinds = list(_corruptions().items())

    def to_directory(path: Path, data: bytes) -> Optional[bytes]:
        path.unlink()
        path.mkdir()
        return None

    kinds.append(("entry replaced by a directory", to_directory))
    return kinds


def _corrupt_spread(cache: str, share: float = 1.0) -> List[Tuple[Path, str, bytes]]:
    """Corrupt EVERY entry of the cache in one go, each with one kind of corruption, round-robin
    over the sorted entries of each group (per-file findings, project summaries), so every kind
    hits entries of both groups and one run checks them all. The stat index carries the findings
    of unchanged files, so it is removed: the next run must read every entry (the index round
    corrupts the index itself, one kind per run). With `share` < 1, only that fraction of each
    group's entries, spread evenly, is corrupted (every kind still used). Returns (entry, kind,
    original bytes)."""
    kinds = _kinds()
    done: List[Tuple[Path, str, bytes]] = []
    root = Path(cache)
    for index in root.rglob("index-*.json"):
        shutil.rmtree(index) if index.is_dir() else index.unlink()
    files = sorted(p for p in root.rglob("*.json") if p.is_file())
    groups = [[p for p in files if "summaries" in p.parts], [p for p in files if "summaries" not in p.parts]]
    step = max(1, round(1 / share)) if share > 0 else 0
    for group in groups:
        chosen = group[::step] if step else []
        for i, entry in enumerate(chosen):
            name, corrupt = kinds[i % len(kinds)]
            original = entry.read_bytes()
            new = corrupt(entry, original)
            if new is not None:
                entry.write_bytes(new)
            done.append((entry, name, original))
    return done


def _restored(entry: Path, original: bytes) -> bool:
    try:
        return entry.read_bytes() == original
    except OSError:  # a directory
        return False


def _concurrent(
    cache: str, paths: List[str], workdir: str, with_cache: List[str], expected: List[Any], concurrent: int, concurrent_jobs: int,
    concurrent_missing: float, report: Dict[str, Any], record: Callable[..., Any], timed: Callable[..., Any], log: Callable[[str], Any],
) -> None:
    """`concurrent` runs sharing one cache, then a warm run after them: a fresh cache, or (with
    `concurrent_missing` < 1) the warm `cache` without its index and that share of its entries,
    so every run reads entries while the others write the missing ones (and the index)."""
    report["concurrent_missing"] = concurrent_missing
    if concurrent_missing < 1:
        for index in Path(cache).rglob("index-*.json"):
            shutil.rmtree(index) if index.is_dir() else index.unlink()
        entries = sorted(p for p in Path(cache).rglob("*.json") if p.is_file())
        step = max(1, round(1 / concurrent_missing)) if concurrent_missing > 0 else 0
        removed = entries[::step] if step else []
        for entry in removed:
            entry.unlink()
        report["concurrent_removed_entries"] = len(removed)
        log(f"concurrent runs start from the warm cache without its index and {len(removed)} of {len(entries)} entries")
    elif os.path.exists(cache):
        shutil.rmtree(cache)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "leaklint", "--select", "ALL", "--format", "json", "-j", str(concurrent_jobs), "-q", *with_cache, *paths],
            cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="surrogateescape",
        )
        for _ in range(concurrent)
    ]
    for i, proc in enumerate(procs):
        out, err = proc.communicate()
        record(f"concurrent run {i + 1}/{concurrent}", proc.returncode, out, err, expected, time.monotonic() - t0)
    timed("warm after concurrent runs", with_cache, expected)


def _sample(src: str, n: int) -> List[str]:
    found = sorted(str(p) for p in Path(src).rglob("*.py") if p.is_file())
    step = max(1, len(found) // n)
    return found[::step][:n]  # spread over the whole tree, every project


def check(
    src: str,
    workdir: Optional[str] = None,
    concurrent: int = 10,
    jobs: int = 1,
    limit: int = 0,
    log: Callable[[str], Any] = lambda s: None,
    concurrent_jobs: int = 1,
    corrupt_share: float = 1.0,
    concurrent_missing: float = 1.0,
    degraded_sample: int = 0,
    concurrent_from: Optional[str] = None,
) -> Dict[str, Any]:
    """Runs, in order: `--no-cache` (the reference), a cold cache, a warm cache; then every entry
    corrupted at once (each entry one way, every way used: see _corrupt_spread), and a warm run
    after it; then the stat index corrupted each way, one run per way (cheap: the entries are
    valid); a cache directory that is a file; `concurrent` runs sharing one fresh cache, and a
    warm run after them. Only two full analyses plus the concurrent runs, whatever the number of
    corruptions, so it scales to the whole ecosystem corpus.

    Cheaper still, for a large tree on a busy machine: `corrupt_share` corrupts only that
    fraction of the entries (each way on its own share of it); `concurrent_missing` < 1 starts the
    concurrent runs from a warm cache with the index and that fraction of the entries removed
    (so all of them read entries while writing the missing ones, instead of each analysing the
    whole tree); `degraded_sample` N runs the cache-directory-is-a-file check on N files spread
    over the tree (compared with the reference's findings for those files).

    `concurrent_from` (a warm cache of an earlier run of this script on the same tree, with the
    same code): only the concurrent part, against a copy of it; the reference is then a warm run
    of that copy (the earlier run showed a warm run identical to `--no-cache`)."""
    own = workdir is None
    workdir = workdir or tempfile.mkdtemp(prefix="leaklint-cache-identity-")
    src = os.path.abspath(src)
    paths = [src]
    if limit:
        paths = _sample(src, limit)
    report: Dict[str, Any] = {"identical": True, "runs": [], "corruptions": 0, "files": len(paths) if limit else None, "jobs": jobs}
    cache = os.path.join(workdir, "cache")

    def record(name: str, rc: int, out: str, err: str, expected: Optional[List[Any]], seconds: float = 0.0) -> List[Any]:
        try:
            got = _canonical(out)
        except ValueError:
            got = None
        same = got is not None and (expected is None or got == expected)
        if "Traceback" in err or rc not in (0, 1):
            same = False
        report["runs"].append({"run": name, "rc": rc, "findings": None if got is None else len(got), "same": same, "seconds": round(seconds, 1)})
        log(f"{name}: rc={rc} findings={None if got is None else len(got)} {'same' if same else 'DIFFERENT'} ({seconds:.1f} s)")
        if not same:
            report["identical"] = False
            report.setdefault("differences", []).append({"run": name, "stderr": err[-2000:]})
        return got or []

    def timed(name: str, extra: List[str], expected: Optional[List[Any]]) -> List[Any]:
        t0 = time.monotonic()
        rc, out, err = _run(paths, workdir, extra, jobs)
        return record(name, rc, out, err, expected, time.monotonic() - t0)

    started = time.monotonic()
    with_cache = ["--cache-dir", cache]
    if concurrent_from:
        shutil.copytree(concurrent_from, cache)
        expected = timed(f"reference: warm run of a copy of {concurrent_from}", with_cache, None)
        _concurrent(cache, paths, workdir, with_cache, expected, concurrent, concurrent_jobs, concurrent_missing, report, record, timed, log)
        report["seconds"] = round(time.monotonic() - started, 1)
        report["findings"] = len(expected)
        if own:
            shutil.rmtree(workdir, ignore_errors=True)
        return report
    expected = timed("--no-cache", ["--no-cache"], None)
    timed("cold cache", with_cache, expected)
    timed("warm cache", with_cache, expected)
    # every entry corrupted, each one way, all ways in one run
    corrupted = _corrupt_spread(cache, corrupt_share)
    report["corrupt_share"] = corrupt_share
    ways = sorted({name for _, name, _ in corrupted})
    report["corruptions"] = len(ways)
    timed(f"entries corrupted ({len(corrupted)} entries, {len(ways)} ways), no index", with_cache, expected)
    # each way, in each group: how many entries it hit, and how many the run wrote back as they
    # were (it missed on them and analysed the file again). Every entry, findings or summary, must
    # come back but one turned into a directory (summaries carry a version, their key and a
    # checksum, so an edit that leaves them well-formed is a miss too).
    table: Dict[str, Dict[str, List[int]]] = {}
    for entry, name, original in corrupted:
        group = "summaries" if "summaries" in entry.parts else "findings"
        row = table.setdefault(group, {}).setdefault(name, [0, 0])
        row[0] += 1
        row[1] += _restored(entry, original)
    report["entries_corrupted"] = {g: {n: {"entries": r[0], "restored": r[1]} for n, r in rows.items()} for g, rows in table.items()}
    unrestored = {
        f"{g}: {n}": r for g in ("findings", "summaries") for n, r in table.get(g, {}).items()
        if r[0] != r[1] and n != "entry replaced by a directory"
    }
    if unrestored:
        report["identical"] = False
        report.setdefault("differences", []).append({"run": "findings entries not rewritten", "ways": unrestored})
    log(f"entries corrupted / restored by the run: {report['entries_corrupted']}")
    timed("warm after corrupted entries", with_cache, expected)
    # the stat index, each way in turn
    for name, corrupt in _kinds():
        touched = 0
        for index in sorted(Path(cache).rglob("index-*.json")):
            if index.is_file():
                new = corrupt(index, index.read_bytes())
                if new is not None:
                    index.write_bytes(new)
                touched += 1
        timed(f"index corrupted ({name}, {touched} files)", with_cache, expected)
    keep = Path(workdir, "cache-kept")
    if concurrent_missing < 1:
        shutil.copytree(cache, keep)
    shutil.rmtree(cache)
    Path(cache).write_text("not a directory")
    if degraded_sample:
        sample = [os.path.abspath(p) for p in _sample(src, degraded_sample)] if not limit else paths[:degraded_sample]
        t0 = time.monotonic()
        rc, out, err = _run(sample, workdir, with_cache, jobs)
        wanted = set(sample)
        record(
            f"cache dir is a file ({len(sample)} files)", rc, out, err, [f for f in expected if os.path.abspath(os.path.join(workdir, f[0])) in wanted],
            time.monotonic() - t0,
        )
    else:
        timed("cache dir is a file", with_cache, expected)
    os.unlink(cache)
    if concurrent_missing < 1:
        keep.rename(cache)
    _concurrent(cache, paths, workdir, with_cache, expected, concurrent, concurrent_jobs, concurrent_missing, report, record, timed, log)
    report["seconds"] = round(time.monotonic() - started, 1)
    report["findings"] = len(expected)
    if own:
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("src", nargs="?", default=os.environ.get("LEAKLINT_CORPUS", str(ROOT / "bench" / "ecosystem" / "corpus")))
    p.add_argument("--concurrent", type=int, default=10)
    p.add_argument("--jobs", type=int, default=1, help="--jobs of every run but the concurrent ones")
    p.add_argument("--concurrent-jobs", type=int, default=1, help="--jobs of each concurrent run")
    p.add_argument("--limit", type=int, default=0, help="only N .py files, spread evenly over the sorted list")
    p.add_argument("--output", help="also write the whole report (every run) as JSON here")
    p.add_argument("--corrupt-share", type=float, default=1.0, help="fraction of the entries to corrupt (default: all)")
    p.add_argument("--concurrent-missing", type=float, default=1.0,
                   help="fraction of the entries missing when the concurrent runs start (default 1: a fresh cache)")
    p.add_argument("--degraded-sample", type=int, default=0, help="files for the cache-dir-is-a-file run (default 0: all)")
    p.add_argument("--concurrent-from", metavar="CACHE_DIR", help="only the concurrent runs, from a copy of this warm cache (see check)")
    args = p.parse_args(argv)
    began = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    report = check(
        args.src, concurrent=args.concurrent, jobs=args.jobs, limit=args.limit, concurrent_jobs=args.concurrent_jobs,
        corrupt_share=args.corrupt_share, concurrent_missing=args.concurrent_missing, degraded_sample=args.degraded_sample,
        concurrent_from=args.concurrent_from,
        log=lambda s: print(s, flush=True),
    )
    print(json.dumps({k: v for k, v in report.items() if k != "runs"}, indent=2))
    if args.output:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--", "leaklint"], cwd=ROOT, capture_output=True, text=True).stdout.strip())
        env = {
            "date": began, "commit": commit, "dirty": dirty, "argv": sys.argv[1:] if argv is None else argv,
            "python": sys.version.split()[0], "cpus": os.cpu_count(), "loadavg_end": list(os.getloadavg()),
        }
        Path(args.output).write_text(json.dumps({"environment": env, **report}, indent=1) + "\n")
    return 0 if report["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
