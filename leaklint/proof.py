"""Leak proofs: run a fixture's unit of work many times in a fresh interpreter and measure what
it leaves behind.

A fixture is a directory `fixtures/<code>_<name>/` with `leaky.py`, `fixed.py` and `proof.toml`.
Each program defines `work()` (one unit of work: a request handled, a job run, a batch trained)
and may define `setup()` / `teardown()`. `work()` may return an object (or a list/tuple of
objects): the harness keeps only weak references to it, so "alive" counts what the program
itself still keeps reachable after its caller dropped everything.

proof.toml:

    metric = "alive"        # alive | tracemalloc | fds | threads | children | resource_warnings
    iterations = 200
    gc = true               # false: gc disabled for the run (cycle rules: refcounting alone)
    leaky_min = 1.0         # per-iteration figure the leaky program must reach (default: 0.9 for
                            # counts, 256 bytes for tracemalloc)
    fixed_max = 0.0         # per-iteration figure the fixed program must stay at or under
                            # (default: 0 for counts, 64 bytes for tracemalloc)
    requires = ["matplotlib"]   # modules that must import, else the proof is skipped
    what = "a request handler that caches per instance"   # shown in the docs

Run one program: `python -m leaklint.proof run FILE --metric alive --iterations 200`.
Measure every fixture and write the figures the docs show:
`python -m leaklint.proof write fixtures` (writes leaklint/evidence/<code>.json).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import subprocess
import sys
import threading
import warnings
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

METRICS = ("alive", "tracemalloc", "fds", "threads", "children", "resource_warnings")
EVIDENCE_DIR = Path(__file__).with_name("evidence")

SENTENCES = {
    "alive": "{n} object(s) per call still alive after the caller dropped its last reference",
    "tracemalloc": "{kib} KiB of memory per call that is never freed",
    "fds": "{n} file descriptor(s) per call left open",
    "threads": "{n} thread(s) per call left running",
    "children": "{n} child process(es) per call left behind",
    "resource_warnings": "{n} resource(s) per call left for the garbage collector to close (ResourceWarning)",
}


@dataclass
class ProofSpec:
    directory: Path
    code: str
    metric: str
    iterations: int = 200
    gc: bool = True
    leaky_min: Optional[float] = None
    fixed_max: Optional[float] = None
    requires: List[str] = field(default_factory=list)
    what: str = ""

    @property
    def leaky(self) -> Path:
        return self.directory / "leaky.py"

    @property
    def fixed(self) -> Path:
        return self.directory / "fixed.py"

    def threshold_leaky(self) -> float:
        if self.leaky_min is not None:
            return self.leaky_min
        return 256.0 if self.metric == "tracemalloc" else 0.9

    def threshold_fixed(self) -> float:
        if self.fixed_max is not None:
            return self.fixed_max
        return 64.0 if self.metric == "tracemalloc" else 0.0

    def missing_requirements(self) -> List[str]:
        return [m for m in self.requires if importlib.util.find_spec(m) is None]


def load_spec(directory: Path) -> ProofSpec:
    with open(directory / "proof.toml", "rb") as fh:
        data = tomllib.load(fh)
    code = directory.name.split("_", 1)[0]
    metric = data.pop("metric")
    if metric not in METRICS:
        raise ValueError(f"{directory}/proof.toml: unknown metric {metric!r}")
    known = {"iterations", "gc", "leaky_min", "fixed_max", "requires", "what"}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"{directory}/proof.toml: unknown keys {sorted(unknown)}")
    return ProofSpec(directory=directory, code=code, metric=metric, **data)


def fixture_dirs(root: Path) -> List[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "proof.toml").is_file())


# ------------------------------------------------------------------------------ in the child
def _count_fds() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:  # pragma: no cover - not Linux
        import resource

        count = 0
        for fd in range(resource.getrlimit(resource.RLIMIT_NOFILE)[0]):
            try:
                os.fstat(fd)
                count += 1
            except OSError:
                pass
        return count


def _count_children() -> int:
    pid = os.getpid()
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                total += len(fh.read().split())
    except OSError:  # pragma: no cover - not Linux
        import multiprocessing

        total = len(multiprocessing.active_children())
    return total


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"leaklint_proof_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, str(path.parent))
    spec.loader.exec_module(module)
    return module


def _track(result: Any, refs: List[Any]) -> None:
    items = result if isinstance(result, (list, tuple)) else [result]
    for item in items:
        if item is None:
            continue
        try:
            refs.append(weakref.ref(item))
        except TypeError:
            raise TypeError(f"work() returned a {type(item).__name__}, which cannot be weakly referenced") from None


def run_program(path: Path, metric: str, iterations: int, use_gc: bool = True) -> Dict[str, float]:
    """Run `work()` `iterations` times in this process; return the figures."""
    module = _load(path)
    if hasattr(module, "setup"):
        module.setup()
    work = module.work
    if not use_gc:
        gc.collect()
        gc.disable()
    caught: List[warnings.WarningMessage] = []
    refs: List[Any] = []
    tracemalloc = None
    if metric == "tracemalloc":
        import tracemalloc as tracemalloc  # type: ignore[no-redef]

        for _ in range(3):  # warm-up: first-call allocations (imports, interned strings)
            result = work()
            del result
        gc.collect()
        tracemalloc.start()
        start = tracemalloc.get_traced_memory()[0]
    before_fds, before_threads, before_children = _count_fds(), threading.active_count(), _count_children()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for _ in range(iterations):
            result = work()
            _track(result, refs)
            del result
        if use_gc:
            gc.collect()
    figures: Dict[str, float] = {
        "alive": float(sum(1 for r in refs if r() is not None)),
        "fds": float(_count_fds() - before_fds),
        "threads": float(threading.active_count() - before_threads),
        "children": float(_count_children() - before_children),
        "resource_warnings": float(sum(1 for w in caught if issubclass(w.category, ResourceWarning))),
    }
    if tracemalloc is not None:
        figures["tracemalloc"] = float(tracemalloc.get_traced_memory()[0] - start)
        tracemalloc.stop()
    if hasattr(module, "teardown"):
        module.teardown()
    return figures


# ------------------------------------------------------------------------------ in the parent
def measure(path: Path, spec: ProofSpec, timeout: float = 300) -> Dict[str, float]:
    """Run one program of a fixture in a fresh interpreter; per-iteration figures."""
    cmd = [
        sys.executable, "-X", "dev", "-W", "ignore::DeprecationWarning", "-m", "leaklint.proof", "run", str(path.resolve()),
        "--metric", spec.metric, "--iterations", str(spec.iterations),
    ]
    if not spec.gc:
        cmd.append("--no-gc")
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("MPLBACKEND", "Agg")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=str(path.parent))
    if proc.returncode != 0:
        raise RuntimeError(f"{path} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    totals = json.loads(proc.stdout.strip().splitlines()[-1])
    return {k: v / spec.iterations for k, v in totals.items()}


def sentence(metric: str, per_call: float) -> str:
    if metric == "tracemalloc":
        return SENTENCES[metric].format(kib=f"{per_call / 1024:.1f}")
    n = f"{per_call:.2f}".rstrip("0").rstrip(".")
    return SENTENCES[metric].format(n=n)


def evidence_for(spec: ProofSpec) -> Dict[str, Any]:
    leaky = measure(spec.leaky, spec)
    fixed = measure(spec.fixed, spec)
    return {
        "code": spec.code,
        "fixture": f"fixtures/{spec.directory.name}",
        "what": spec.what,
        "metric": spec.metric,
        "iterations": spec.iterations,
        "gc": spec.gc,
        "leaky_per_call": round(leaky[spec.metric], 1 if spec.metric == "tracemalloc" else 3),
        "fixed_per_call": round(fixed[spec.metric], 1 if spec.metric == "tracemalloc" else 3),
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
    }


def describe(evidence: Dict[str, Any]) -> str:
    """The sentence the docs and --explain print."""
    metric = evidence["metric"]
    what = f" ({evidence['what']})" if evidence.get("what") else ""
    gc_note = "" if evidence.get("gc", True) else ", with the cyclic garbage collector off"
    return (
        f"Measured on `{evidence['fixture']}`{what}, {evidence['iterations']} calls{gc_note} "
        f"on Python {evidence['python']}: the leaky program leaves {sentence(metric, evidence['leaky_per_call'])}; "
        f"the fixed program leaves {sentence(metric, evidence['fixed_per_call'])}."
    )


def load_evidence(code: str) -> Optional[Dict[str, Any]]:
    path = EVIDENCE_DIR / f"{code}.json"
    if not path.is_file():
        return None
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def write_evidence(root: Path, only: Optional[List[str]] = None) -> List[Path]:
    EVIDENCE_DIR.mkdir(exist_ok=True)
    written = []
    for directory in fixture_dirs(root):
        spec = load_spec(directory)
        if only and spec.code not in only:
            continue
        if spec.missing_requirements():
            print(f"skip {directory.name}: needs {', '.join(spec.missing_requirements())}", file=sys.stderr)
            continue
        evidence = evidence_for(spec)
        target = EVIDENCE_DIR / f"{spec.code}.json"
        target.write_text(json.dumps(evidence, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{spec.code}: {describe(evidence)}")
        written.append(target)
    return written


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m leaklint.proof")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one program and print its totals as JSON")
    run.add_argument("file", type=Path)
    run.add_argument("--metric", choices=METRICS, required=True)
    run.add_argument("--iterations", type=int, default=200)
    run.add_argument("--no-gc", action="store_true")
    write = sub.add_parser("write", help="measure fixtures and write leaklint/evidence/*.json")
    write.add_argument("root", type=Path, nargs="?", default=Path("fixtures"))
    write.add_argument("--only", nargs="*", help="rule codes")
    args = parser.parse_args(argv)
    if args.command == "run":
        figures = run_program(args.file, args.metric, args.iterations, not args.no_gc)
        sys.stdout.flush()
        print(json.dumps(figures))
        return 0
    write_evidence(args.root, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
