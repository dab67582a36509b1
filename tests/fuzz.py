"""Fuzzing the whole per-file pipeline: no exception escapes, every file yields findings or
LL000, within a time bound.

Two sources of programs:
- valid programs from hypothesmith (Python's grammar, driven by hypothesis);
- invalid or odd ones: byte mutations of real files (the repository's fixtures, tests and
  package, and the standard library): flips, insertions of hostile bytes and tokens (NUL, lone
  CR, BOM, bad cookies, deep brackets, newer syntax), deletions, duplications, splices.

Each program goes through `leaklint.engine.analyze` with every rule on (what the CLI, the pool
and the flake8 plugin call). The oracles:
- nothing raises;
- the result is a list of findings;
- a program that CPython's `compile` rejects gets an LL000, unless only CPython's parser
  rejects it and libcst parses it (syntax newer than this interpreter);
- no internal error (`LL000 internal error in ...`): that is a bug in a rule, not an escape,
  but the harness reports it as a failure too;
- the program finishes within `--time-bound` seconds (default 30; the run goes on, the slow
  program is saved).

A short run is part of the test suite (tests/test_fuzz.py). The long run:

    PYTHONPATH=. nice python -m tests.fuzz --count 100000 --out /tmp/leaklint-fuzz

prints progress lines `ran N programs, E escapes, S slow, R/s` and saves each failing program
under --out.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import sysconfig
import time
import traceback
import warnings
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent

HOSTILE = [
    b"\0",
    b"\r",
    b"\r\n",
    b"\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"# -*- coding: latin-1 -*-\n",
    b"# coding: nonsense\n",
    b"(" * 300,
    b"[" * 120,
    b"-" * 2000 + b"x\n",
    b"type Alias = int\n",
    b"def f[T](x: T) -> T: return x\n",
    b"x = y" + b".a" * 500 + b"\n",
    b"match x:\n case 1: pass\n",
    b"return 1\n",
    b"nonlocal x\n",
    b"def f(a, a): pass\n",
    b"def g():\n x = 1\n global x\n",
    b"async ",
    b"await ",
    b"lambda: ",
    b"f'{x!r:>{w}}'",
    b'"""',
    b"'''",
    b"\\\n",
    b"    ",
    b"\t",
    b"# noqa\n",
    b"# leaklint: ignore-file\n",
    b"# leaklint: ignore[LL401]\n",
    b"open(p)\n",
    b"import functools\n@functools.lru_cache(maxsize=None)\ndef f(x): return x\n",
    b"with open(p) as f:\n",
    b"\xc3\x28",
    b"\xed\xa0\x80",
]


def seed_files(limit_bytes: int = 60_000) -> List[Path]:
    """Real files to mutate: this repository's Python files and the standard library's."""
    out: List[Path] = []
    for top in (ROOT / "fixtures", ROOT / "tests", ROOT / "leaklint", Path(sysconfig.get_paths()["stdlib"])):
        if not top.is_dir():
            continue
        for path in top.rglob("*.py"):
            if "site-packages" in path.parts:
                continue
            try:
                if path.is_file() and 0 < path.stat().st_size <= limit_bytes:
                    out.append(path)
            except OSError:
                continue
    out.sort()
    return out


def mutate(data: bytes, rng: random.Random, other: Callable[[], bytes]) -> bytes:
    """One to four random edits of `data`."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(8)
        pos = rng.randint(0, len(buf))
        if op == 0 and buf:  # flip a byte
            i = rng.randrange(len(buf))
            buf[i] = rng.randrange(256)
        elif op == 1:  # insert a hostile snippet
            buf[pos:pos] = rng.choice(HOSTILE)
        elif op == 2 and buf:  # delete a range
            end = min(len(buf), pos + rng.randint(1, 64))
            del buf[pos:end]
        elif op == 3 and buf:  # duplicate a range
            start = rng.randrange(len(buf))
            chunk = buf[start : start + rng.randint(1, 200)]
            buf[pos:pos] = chunk * rng.randint(1, 5)
        elif op == 4:  # splice in part of another file
            o = other()
            if o:
                start = rng.randrange(len(o))
                buf[pos:pos] = o[start : start + rng.randint(1, 2000)]
        elif op == 5:  # truncate
            del buf[pos:]
        elif op == 6:  # random bytes
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        else:  # swap two lines
            lines = bytes(buf).split(b"\n")
            if len(lines) > 2:
                a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[a], lines[b] = lines[b], lines[a]
                buf = bytearray(b"\n".join(lines))
    return bytes(buf)


def mutated_programs(seed: int) -> Iterator[Tuple[str, bytes]]:
    rng = random.Random(seed)
    files = seed_files()
    cache: dict = {}

    def read(path: Path) -> bytes:
        if path not in cache:
            if len(cache) > 512:
                cache.clear()
            try:
                cache[path] = path.read_bytes()
            except OSError:
                cache[path] = b""
        return cache[path]

    def other() -> bytes:
        return read(rng.choice(files))

    n = 0
    while True:
        path = rng.choice(files)
        yield f"mutation #{n} of {path}", mutate(read(path), rng, other)
        n += 1


def hypothesmith_programs(count: int, seed: int) -> Iterator[Tuple[str, bytes]]:
    """`count` programs from hypothesmith's grammar strategy (valid Python source)."""
    import hypothesmith
    from hypothesis import HealthCheck, given, seed as hseed, settings

    found: List[str] = []

    @hseed(seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(hypothesmith.from_grammar())
    def collect(source: str) -> None:
        found.append(source)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        collect()
    for i, source in enumerate(found):
        yield f"hypothesmith #{i}", source.encode("utf-8", "surrogatepass")


def _all_rules_config():  # type: ignore[no-untyped-def]
    from leaklint.config import config_from_table

    return config_from_table({"select": ["ALL"]}, prefix="")


def _python_rejects(data: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, "<fuzz>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError, UnicodeError):
        return True
    return False


def _python_parses(data: bytes) -> bool:
    import ast

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, "<fuzz>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError, UnicodeError):
        return False
    return True


def _libcst_parses(data: bytes) -> bool:
    import libcst as cst

    try:
        from leaklint.engine import decode_source

        cst.parse_module(decode_source(data))
    except Exception:
        return False
    return True


_PROGRESS: dict = {"ran": 0, "failures": []}


class Failure(Exception):
    pass


def check_program(data: bytes, config, time_bound: float) -> float:  # type: ignore[no-untyped-def]
    """Run one program through the pipeline; raise Failure with a reason. Returns seconds."""
    from leaklint.engine import LL000, analyze
    from leaklint.suppress import file_is_ignored

    started = time.perf_counter()
    try:
        findings = analyze(data, "fuzz.py", config)
    except BaseException as exc:  # noqa: B902 - any escape is what we look for
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise Failure(f"escape: {type(exc).__name__}: {exc}\n{traceback.format_exc()}") from None
    elapsed = time.perf_counter() - started
    if not isinstance(findings, list):
        raise Failure(f"result is {type(findings).__name__}, not a list")
    for f in findings:
        if f.code == LL000 and "internal error" in f.message:
            raise Failure(f"internal error: {f.message}")
    if elapsed > time_bound:
        raise Failure(f"slow: {elapsed:.1f}s")
    if not any(f.code == LL000 for f in findings) and _python_rejects(data):
        text_ok = True
        try:
            from leaklint.engine import decode_source

            text_ok = not file_is_ignored(decode_source(data))
        except Exception:
            pass
        if text_ok and _python_parses(data):
            raise Failure("CPython's compiler rejects the program (its parser accepts it) but it got no LL000")
        if text_ok and not _libcst_parses(data):
            raise Failure("CPython and libcst reject the program but it got no LL000")
    return elapsed


def run(count: int, seed: int, hypothesmith_share: float, time_bound: float, out: Optional[Path], report_every: int = 1000) -> Tuple[int, List[str]]:
    """Run `count` programs; (programs run, failure descriptions)."""
    config = _all_rules_config()
    failures: List[str] = []
    _PROGRESS["failures"] = failures
    n_hyp = int(count * hypothesmith_share)
    sources: List[Iterator[Tuple[str, bytes]]] = []
    mut = mutated_programs(seed)
    started = time.monotonic()
    ran = 0

    def one(name: str, data: bytes) -> None:
        nonlocal ran
        try:
            check_program(data, config, time_bound)
        except Failure as fail:
            failures.append(f"{name}: {fail}")
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                (out / f"fail-{seed}-{ran}.py").write_bytes(data)
                (out / f"fail-{seed}-{ran}.txt").write_text(f"{name}\n{fail}\n", encoding="utf-8", errors="replace")
        ran += 1
        _PROGRESS["ran"] = ran
        if report_every and ran % report_every == 0:
            rate = ran / max(1e-9, time.monotonic() - started)
            print(f"ran {ran} programs, {len(failures)} failures, {rate:.1f}/s", flush=True)

    # interleave: hypothesmith in batches (its generation is the slow part)
    batch = 200
    done_hyp = 0
    while ran < count:
        if done_hyp < n_hyp:
            k = min(batch, n_hyp - done_hyp)
            for name, data in hypothesmith_programs(k, seed + done_hyp):
                one(name, data)
            done_hyp += k
        for _ in range(min(count - ran, batch * 4)):
            name, data = next(mut)
            one(name, data)
    del sources
    return ran, failures


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--hypothesmith-share", type=float, default=0.1, help="fraction of programs from hypothesmith")
    p.add_argument("--time-bound", type=float, default=30.0)
    p.add_argument("--out", type=Path, default=None, help="directory to save failing programs in")
    p.add_argument("--report-every", type=int, default=1000)
    args = p.parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    started = time.monotonic()
    import signal

    def stop(signum, frame):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        ran, failures = run(args.count, args.seed, args.hypothesmith_share, args.time_bound, args.out, args.report_every)
    except KeyboardInterrupt:
        ran, failures = _PROGRESS["ran"], _PROGRESS["failures"]
        print("interrupted")
    elapsed = time.monotonic() - started
    for f in failures[:50]:
        print("FAIL", f.splitlines()[0][:300])
    print(f"done: {ran} programs in {elapsed:.0f}s ({ran / max(elapsed, 1e-9):.1f}/s), {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
