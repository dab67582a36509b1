"""Speed of leaklint against the libcst parse floor and the peers, in one run on the same files.

    python bench/speed.py                      # stdlib (without test dirs) + ecosystem corpus, 3 runs
    python bench/speed.py --runs 5 --corpus stdlib
    python bench/speed.py --rows parse,all,all-j2 --runs 1

Every measurement is a separate child process, timed with os.wait4: wall time, CPU time (user +
sys of the child and everything it waited for, pool workers included) and peak RSS (ru_maxrss:
the largest single process of the tree, not a sum). Rows are interleaved run by run, so a
change in background load hits every row alike; the table shows the median of `--runs` runs and
ratios to the libcst parse-only floor measured in the same run. Peers that are not installed are
skipped with a note: install them with `pip install fixit pylint flake8 flake8-bugbear` (into
this interpreter, or a venv given with --peers-python / LEAKLINT_PEERS_PYTHON).

Rule-agnostic: the rows select rules with `--select ALL` / the defaults, never by code. The
`no-prefilter` row runs every rule on every file (triggers ignored), which is the engine's cost
when the rule set grows until every file trips some rule's trigger.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
SKIP_DIRS = {"test", "tests", "idle_test", "site-packages", "__pycache__"}
PYLINT_CHECKS = "consider-using-with,method-cache-max-size-none,dangerous-default-value,cell-var-from-loop"
FIXIT_RULE = "fixit.rules:UseAsyncSleepInAsyncDef"  # resolves qualified names, like leaklint's rules

# ------------------------------------------------------------------------------ helpers run as children
PARSE_FLOOR = r"""
import sys, libcst
sys.setrecursionlimit(20000)
failed = 0
for path in open(sys.argv[1]).read().splitlines():
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        libcst.parse_module(data)
    except Exception:
        failed += 1
sys.stderr.write(f"parse floor: {failed} file(s) libcst could not parse\n")
"""

NO_PREFILTER = r"""
import sys
from leaklint.rule import Rule
Rule.active_triggers = classmethod(lambda cls, options: ())
from leaklint.cli import main
sys.exit(main(sys.argv[1:]))
"""

# the project pass alone (leaklint.analysis.project.build_index over the same files, no cache,
# its multiplicity solved): what every leaklint row below pays before the first file is linted
PROJECT_ONLY = r"""
import sys
from leaklint.runner import build_project, solve_project
paths = open(sys.argv[1]).read().splitlines()
index = solve_project(build_project(paths, None))
sys.stderr.write(f"project pass: {len(index.summaries) if index is not None else 0} summaries\n")
"""

# --select ALL without the project pass: the rules judge each file alone (as when the model
# cannot be built), so this row is the per-file pipeline's cost
NO_PROJECT = r"""
import sys
from leaklint import runner
runner.build_project = lambda *args, **kwargs: None
from leaklint.cli import main
sys.exit(main(sys.argv[1:]))
"""

# --jobs 2 with the CPU time of the parent and of each worker written to stderr: on a shared
# machine the wall time says more about the neighbours than about leaklint, but "parent CPU +
# busiest worker's CPU" is what the wall time would be on two idle cores.
JOBS_SPLIT = r"""
import json, os, resource, sys, tempfile, time
from leaklint import runner
fd, log = tempfile.mkstemp(prefix="leaklint-bench-chunks-")
os.close(fd)
original = runner._check_chunk
def timed(chunk):
    start = time.process_time()
    out = original(chunk)
    with open(log, "a") as fh:
        fh.write(f"{os.getpid()} {time.process_time() - start}\n")
    return out
runner._check_chunk = timed
from leaklint.cli import main
rc = main(sys.argv[1:])
workers = {}
for line in open(log).read().splitlines():
    pid, seconds = line.split()
    workers[pid] = workers.get(pid, 0.0) + float(seconds)
os.unlink(log)
me = resource.getrusage(resource.RUSAGE_SELF)
sys.stderr.write("BENCH-SPLIT " + json.dumps({"parent": me.ru_utime + me.ru_stime, "workers": sorted(workers.values())}) + "\n")
sys.exit(rc)
"""

FIXIT_ONE_PROCESS = r"""
import sys
from concurrent.futures import ThreadPoolExecutor
import trailrunner.core
trailrunner.core.Trailrunner.DEFAULT_EXECUTOR = staticmethod(lambda: ThreadPoolExecutor(1))
from fixit.cli import main
sys.argv[0] = "fixit"
sys.exit(main())
"""


@dataclass
class Row:
    id: str
    title: str
    argv: List[str] = field(default_factory=list)
    env: Dict[str, str] = field(default_factory=dict)
    ok_codes: Tuple[int, ...] = (0, 1)
    skip: str = ""  # reason the row is not measured
    peer: bool = False
    # filled by measuring
    wall: List[float] = field(default_factory=list)
    cpu: List[float] = field(default_factory=list)
    rss: List[float] = field(default_factory=list)
    projected: List[float] = field(default_factory=list)  # parent CPU + busiest worker CPU
    errors: List[str] = field(default_factory=list)

    def median(self, what: str) -> Optional[float]:
        values = getattr(self, what)
        return statistics.median(values) if values else None


def measure(argv: Sequence[str], env: Dict[str, str], cwd: str, timeout: float) -> Tuple[float, float, float, int, str]:
    """(wall s, cpu s, peak rss MB, exit code, stderr tail) of one child process tree."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, proc.returncode, tail


# ------------------------------------------------------------------------------ corpora
def stdlib_files() -> List[str]:
    root = sysconfig.get_paths()["stdlib"]
    out = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        out.extend(os.path.join(directory, f) for f in sorted(files) if f.endswith(".py"))
    return out


def ecosystem_root() -> Optional[Path]:
    for candidate in (Path(os.environ.get("LEAKLINT_CORPUS", "/work/corpus")), HERE / "ecosystem" / "corpus"):
        if candidate.is_dir() and any(candidate.iterdir()):
            return candidate
    return None


def tree_files(root: Path) -> List[str]:
    out = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        out.extend(os.path.join(directory, f) for f in sorted(files) if f.endswith(".py"))
    return out


# ------------------------------------------------------------------------------ tools
def has_module(python: str, module: str) -> bool:
    if not python or not os.path.exists(python):
        return False
    code = f"import importlib.util, sys; sys.exit(0 if importlib.util.find_spec({module!r}) else 1)"
    # from a neutral directory: an *.egg-info left in the current one would be on sys.path
    return subprocess.run([python, "-c", code], capture_output=True, cwd=tempfile.gettempdir()).returncode == 0


def module_version(python: str, dist: str) -> str:
    code = f"from importlib.metadata import version; print(version({dist!r}))"
    res = subprocess.run([python, "-c", code], capture_output=True, text=True)
    return res.stdout.strip() if res.returncode == 0 else "?"


def peer_python(args: argparse.Namespace, module: str) -> Optional[str]:
    """An interpreter that has `module`: --peers-python first, then this one."""
    for python in (args.peers_python, sys.executable):
        if python and has_module(python, module):
            return python
    return None


def flake8_has_ll_entry_point(python: str) -> bool:
    code = (
        "from importlib.metadata import entry_points\n"
        "eps = entry_points()\n"
        "group = eps.select(group='flake8.extension') if hasattr(eps, 'select') else eps.get('flake8.extension', [])\n"
        "import sys; sys.exit(0 if any(ep.value.startswith('leaklint.flake8') for ep in group) else 1)\n"
    )
    # from a neutral directory: an *.egg-info left in the current one would be on sys.path
    return subprocess.run([python, "-c", code], capture_output=True, cwd=tempfile.gettempdir()).returncode == 0


def build_rows(args: argparse.Namespace, filelist: str, work: str) -> List[Row]:
    py = sys.executable
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("PYTHONWARNINGS", None)
    # as installed: bytecode cached (pip compiles the peers at install; see compile_leaklint)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    files = Path(filelist).read_text().splitlines()
    ll = [py, "-m", "leaklint", "--exit-zero", "-q"]
    rows = [
        Row("parse", "libcst parse only (floor, 1 process)", [py, "-c", PARSE_FLOOR, filelist], env),
        Row("default", "leaklint, default rules, --jobs 1", [*ll, "--no-cache", "--jobs", "1", *files], env),
        Row("project", "leaklint's project pass alone (no cache)", [py, "-c", PROJECT_ONLY, filelist], env),
        Row("all", "leaklint, --select ALL, --jobs 1", [*ll, "--no-cache", "--jobs", "1", "--select", "ALL", *files], env),
        Row(
            "all-no-project",
            "leaklint, --select ALL, --jobs 1, without the project pass",
            [py, "-c", NO_PROJECT, "--exit-zero", "-q", "--no-cache", "--jobs", "1", "--select", "ALL", *files],
            env,
        ),
        Row(
            "all-j2",
            "leaklint, --select ALL, --jobs 2",
            [py, "-c", JOBS_SPLIT, "--exit-zero", "-q", "--no-cache", "--jobs", "2", "--select", "ALL", *files],
            env,
        ),
        Row(
            "no-prefilter",
            "leaklint, --select ALL, no text prefilter, --jobs 1",
            [py, "-c", NO_PREFILTER, "--exit-zero", "-q", "--no-cache", "--jobs", "1", "--select", "ALL", *files],
            env,
        ),
    ]
    # leaklint through flake8
    row = Row("flake8-ll", "leaklint through flake8 (--select LL, -j 1)")
    if not (REPO / "leaklint" / "flake8.py").exists():
        row.skip = "leaklint/flake8.py does not exist yet"
    elif not has_module(py, "flake8"):
        row.skip = f"flake8 is not installed for {py}"
    else:
        argv = [py, "-m", "flake8", "--select", "LL", "--jobs", "1", "--exit-zero"]
        if flake8_has_ll_entry_point(py):
            argv.append("--isolated")
        else:  # not installed: register the plugin as a local plugin
            cfg = Path(work) / "flake8-ll.cfg"
            cfg.write_text(f"[flake8:local-plugins]\nextension =\n    LL = leaklint.flake8:Plugin\npaths = {REPO}\n")
            argv += ["--config", str(cfg)]
        row.argv, row.env = [*argv, *files], env
    rows.append(row)
    # result cache: cold then warm, default rules and jobs, a fresh cache directory per run
    rows.append(Row("cold", "leaklint, default rules and jobs, cold cache", [*ll, "--cache-dir", "{cache}", *files], env))
    rows.append(Row("warm", "leaklint, same, warm cache (unchanged files)", [*ll, "--cache-dir", "{cache}", *files], env))
    # peers
    peer_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    fixit_py = peer_python(args, "fixit")
    row = Row("fixit", "Fixit, 1 built-in rule (UseAsyncSleepInAsyncDef), 1 process", env=peer_env, peer=True)
    if fixit_py is None:
        row.skip = "fixit is not installed (pip install fixit)"
    else:
        row.argv = [fixit_py, "-c", FIXIT_ONE_PROCESS, "--rules", FIXIT_RULE, "lint", *files]
        row.ok_codes = tuple(range(0, 256))  # exit status counts findings / errors
        row.title += f" [{module_version(fixit_py, 'fixit')}]"
    rows.append(row)
    pylint_py = peer_python(args, "pylint")
    row = Row("pylint", "pylint, 4 leak checks, -j 1", env=peer_env, peer=True)
    if pylint_py is None:
        row.skip = "pylint is not installed (pip install pylint)"
    else:
        rc = Path(work) / "pylintrc"
        rc.write_text("[MAIN]\n")
        row.argv = [
            pylint_py, "-m", "pylint", f"--rcfile={rc}", "--disable=all", f"--enable={PYLINT_CHECKS}",
            "--jobs=1", "--persistent=n", "--score=n", "--reports=n", *files,
        ]
        row.ok_codes = tuple(range(0, 32))  # bit-encoded message classes; 32 = usage error
        row.title += f" [{module_version(pylint_py, 'pylint')}]"
    rows.append(row)
    bugbear_py = peer_python(args, "bugbear")
    row = Row("flake8-bugbear", "flake8 + flake8-bugbear (--select B, -j 1)", env=peer_env, peer=True)
    if bugbear_py is None:
        row.skip = "flake8-bugbear is not installed (pip install flake8 flake8-bugbear)"
    elif flake8_has_ll_entry_point(bugbear_py):
        row.skip = f"{bugbear_py}'s flake8 also loads leaklint; use --peers-python with a venv without it"
    else:
        row.argv = [bugbear_py, "-m", "flake8", "--isolated", "--select", "B", "--jobs", "1", "--exit-zero", *files]
        row.title += f" [{module_version(bugbear_py, 'flake8-bugbear')}]"
    rows.append(row)
    if args.rows:
        wanted = set(args.rows.split(","))
        wanted.add("parse")  # the floor is always measured: everything is a ratio to it
        if "warm" in wanted:
            wanted.add("cold")
        rows = [r for r in rows if r.id in wanted]
    return rows


# ------------------------------------------------------------------------------ running
def copy_tree(root: str, files: List[str], work: str) -> List[str]:
    """Copy the corpus into a fresh directory, so that no tool picks up a .gitignore, a config
    file or a cache of the original location (Fixit skips files ignored by an enclosing git
    repository, and pyenv's stdlib lives in one)."""
    out = []
    for f in files:
        target = os.path.join(work, "tree", os.path.relpath(f, root))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(f, target)
        out.append(target)
    return out


def compile_leaklint() -> None:
    """Write leaklint's bytecode before timing it, as an install would: otherwise a checkout run
    with PYTHONDONTWRITEBYTECODE compiles every module on every start (~0.3 s)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "leaklint")], check=False)


def run_corpus(name: str, root: str, files: List[str], args: argparse.Namespace) -> dict:
    work = tempfile.mkdtemp(prefix="leaklint-bench-")
    try:
        files = copy_tree(root, files, work)
        filelist = os.path.join(work, "files.txt")
        Path(filelist).write_text("\n".join(files) + "\n")
        lines = 0
        for f in files:
            with open(f, "rb") as fh:
                lines += fh.read().count(b"\n")
        rows = build_rows(args, filelist, work)
        print(f"\n## {name}: {len(files)} files, {lines} lines, {args.runs} run(s)", flush=True)
        for row in rows:
            if row.skip:
                print(f"  skip {row.id}: {row.skip}", flush=True)
        for run in range(args.runs):
            cache = os.path.join(work, f"cache-{run}")
            for row in rows:
                if row.skip:
                    continue
                if row.peer and args.peer_runs is not None and run >= args.peer_runs:
                    continue
                argv = [a.replace("{cache}", cache) for a in row.argv]
                wall, cpu, rss, code, tail = measure(argv, row.env, work, args.timeout)
                if code not in row.ok_codes:
                    row.errors.append(f"run {run + 1}: exit {code}: {tail.strip()[-600:]}")
                    print(f"  run {run + 1} {row.id}: FAILED (exit {code})\n{tail[-600:]}", flush=True)
                    continue
                row.wall.append(wall)
                row.cpu.append(cpu)
                row.rss.append(rss)
                for line in tail.splitlines():
                    if line.startswith("BENCH-SPLIT "):
                        split = json.loads(line[len("BENCH-SPLIT "):])
                        row.projected.append(split["parent"] + max(split["workers"] or [0.0]))
                print(f"  run {run + 1} {row.id:<15} wall {wall:7.2f}s  cpu {cpu:7.2f}s  rss {rss:6.0f} MB", flush=True)
        return report(name, files, lines, rows, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(name: str, files: List[str], lines: int, rows: List[Row], args: argparse.Namespace) -> dict:
    by_id = {r.id: r for r in rows}
    floor = by_id["parse"]
    fw, fc = floor.median("wall"), floor.median("cpu")
    table = []
    for r in rows:
        entry = {"id": r.id, "title": r.title, "skip": r.skip, "errors": r.errors, "runs": len(r.wall)}
        if r.wall:
            w, c, m = r.median("wall"), r.median("cpu"), r.median("rss")
            entry.update(
                wall=round(w, 3), cpu=round(c, 3), rss_mb=round(m, 1),
                wall_ratio=round(w / fw, 3) if fw else None, cpu_ratio=round(c / fc, 3) if fc else None,
                wall_all=[round(x, 3) for x in r.wall], cpu_all=[round(x, 3) for x in r.cpu], rss_all=[round(x, 1) for x in r.rss],
                projected_all=[round(x, 3) for x in r.projected],
            )
        table.append(entry)
    targets = check_targets(by_id)
    return {
        "corpus": name, "files": len(files), "lines": lines, "runs": args.runs,
        "peer_runs": min(args.runs, args.peer_runs) if args.peer_runs is not None else args.runs,
        "rows": table, "targets": targets,
    }


def check_targets(by_id: Dict[str, Row]) -> List[dict]:
    def med(i: str, what: str = "wall") -> Optional[float]:
        r = by_id.get(i)
        return r.median(what) if r is not None and r.wall else None

    out = []

    def target(name: str, value: Optional[float], limit: float, higher_is_better: bool, unit: str = "x") -> None:
        if value is None:
            out.append({"target": name, "value": None, "met": None})
            return
        met = value >= limit if higher_is_better else value <= limit
        out.append({"target": name, "value": round(value, 3), "limit": limit, "unit": unit, "met": met})

    floor_w, floor_c = med("parse"), med("parse", "cpu")
    if med("all") and floor_w:
        # issue 16: every rule and the project pass (which `all` always runs) at most 2x
        target("all rules incl. the project pass, 1 process / parse floor (wall)", med("all") / floor_w, 2.0, False)
        target("all rules incl. the project pass, 1 process / parse floor (cpu)", med("all", "cpu") / floor_c, 2.0, False)
        # issue 15: every rule at most 1.5x, judged on the same row
        target("all rules incl. the project pass, 1 process / parse floor (cpu), issue 15's limit", med("all", "cpu") / floor_c, 1.5, False)
    if med("all-no-project") and floor_c:
        target("all rules without the project pass, 1 process / parse floor (cpu)", med("all-no-project", "cpu") / floor_c, 1.5, False)
    if med("project") and floor_c:
        target("(diagnostic) the project pass alone / parse floor (cpu)", med("project", "cpu") / floor_c, 0.5, False)
    if med("no-prefilter") and floor_w:
        target("all rules, no prefilter, 1 process / parse floor (cpu)", med("no-prefilter", "cpu") / floor_c, 2.0, False)
    def paired(a: str, b: str) -> Optional[float]:
        """Median over runs of a/b measured in the same run, seconds apart: steadier than a
        ratio of medians when the machine's background load drifts."""
        ra, rb = by_id.get(a), by_id.get(b)
        if ra is None or rb is None or not ra.wall or len(ra.wall) != len(rb.wall):
            return None
        return statistics.median(x / y for x, y in zip(ra.wall, rb.wall))

    if med("all") and med("all-j2"):
        target("--jobs 2 speed-up over --jobs 1 (wall, ratio of medians)", med("all") / med("all-j2"), 1.7, True)
        target("--jobs 2 speed-up over --jobs 1 (wall, median of per-run ratios)", paired("all", "all-j2"), 1.7, True)
        j2 = by_id["all-j2"]
        if j2.projected:
            target(
                "--jobs 2 speed-up on two idle cores: CPU(--jobs 1) / (parent CPU + busiest worker CPU)",
                med("all", "cpu") / statistics.median(j2.projected), 1.7, True,
            )
        target(
            "(diagnostic) --jobs 2 CPU overhead: CPU(--jobs 2) / CPU(--jobs 1)",
            med("all-j2", "cpu") / med("all", "cpu"), 1.15, False,
        )
    if med("cold") and med("warm"):
        target("warm cache / cold run (wall)", med("warm") / med("cold"), 0.05, False)
        target("warm cache / cold run (CPU)", med("warm", "cpu") / med("cold", "cpu"), 0.05, False)
    rss = [by_id[i].median("rss") for i in ("default", "all", "all-j2", "cold") if i in by_id and by_id[i].rss]
    if rss:
        target("peak RSS of a leaklint run (MB)", max(rss), 250.0, False, "MB")
    # against the slower of the two all-rules rows: with the prefilter (what runs today) and
    # without it (every rule on every file: the cost once the rule set covers every file)
    ours = "no-prefilter" if med("no-prefilter") else "all"
    for peer in ("flake8-bugbear", "pylint", "fixit"):
        if med(peer) and med(ours):
            target(f"faster than {peer}: {peer} CPU / leaklint {ours} CPU", med(peer, "cpu") / med(ours, "cpu"), 1.0, True)
            target(f"faster than {peer}: {peer} wall / leaklint {ours} wall", med(peer) / med(ours), 1.0, True)
    return out


def markdown(result: dict) -> str:
    lines = [
        f"### {result['corpus']}: {result['files']} files, {result['lines']} lines, median of {result['runs']} run(s)"
        + (f" ({result['peer_runs']} for the peers)" if result.get("peer_runs") not in (None, result["runs"]) else ""),
        "",
        "| row | wall s | CPU s | wall / floor | CPU / floor | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        if r["skip"]:
            lines.append(f"| {r['title']} | skipped: {r['skip']} | | | | |")
        elif "wall" not in r:
            lines.append(f"| {r['title']} | failed: {r['errors'][0][:80] if r['errors'] else '?'} | | | | |")
        else:
            lines.append(
                f"| {r['title']} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['wall_ratio']:.2f} | {r['cpu_ratio']:.2f} | {r['rss_mb']:.0f} |"
            )
    lines += ["", "| target | value | limit | met |", "|---|---:|---:|---|"]
    for t in result["targets"]:
        if t["value"] is None:
            lines.append(f"| {t['target']} | n/a | | |")
        else:
            lines.append(f"| {t['target']} | {t['value']:.3f} | {t['limit']} | {'yes' if t['met'] else 'NO'} |")
    return "\n".join(lines)


def environment() -> dict:
    def git(*a: str) -> str:
        res = subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True)
        return res.stdout.strip()

    try:
        import libcst  # noqa: F401
        from importlib.metadata import version

        libcst_version = version("libcst")
    except Exception:  # pragma: no cover
        libcst_version = "?"
    return {
        "date": _dt.datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "libcst": libcst_version,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_start": list(os.getloadavg()),
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "argv": sys.argv[1:],
    }


def render(paths: Sequence[str]) -> str:
    """The Markdown tables of saved result files (targets recomputed from the raw runs)."""
    out = []
    for path in paths:
        payload = json.loads(Path(path).read_text())
        env = payload["environment"]
        out.append(
            f"<!-- {Path(path).name}: {env['date']}, commit {env['commit']}{' (dirty)' if env.get('dirty') else ''}, "
            f"Python {env['python']}, libcst {env['libcst']}, {env['cpus']} CPUs, "
            f"load average {env['loadavg_start'][0]:.1f} at start, {env.get('loadavg_end', [0])[0]:.1f} at end -->"
        )
        for result in payload["results"]:
            rows = {}
            for entry in result["rows"]:
                row = Row(entry["id"], entry["title"], skip=entry["skip"], errors=entry["errors"])
                row.wall, row.cpu, row.rss = entry.get("wall_all", []), entry.get("cpu_all", []), entry.get("rss_all", [])
                row.projected = entry.get("projected_all", [])
                rows[row.id] = row
            result["targets"] = check_targets(rows)
            out.append(markdown(result) + "\n")
    return "\n".join(out)


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3, help="runs per row; the table shows medians (default 3)")
    p.add_argument("--corpus", default="stdlib,ecosystem", help="comma-separated: stdlib, ecosystem (skipped when absent)")
    p.add_argument("--peer-runs", type=int, help="runs for the peer rows (default: --runs); the peers are slow")
    p.add_argument("--rows", help="comma-separated row ids to measure (parse is always measured)")
    p.add_argument("--limit", type=int, help="only the first N files of each corpus (quick checks)")
    p.add_argument("--peers-python", default=os.environ.get("LEAKLINT_PEERS_PYTHON", "/tmp/leaklint-peers/bin/python"),
                   help="interpreter that has the peers installed (default: $LEAKLINT_PEERS_PYTHON or /tmp/leaklint-peers/bin/python; falls back to this one)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds before a single measurement is killed")
    p.add_argument("--out", default=str(RESULTS), help="directory for the JSON results")
    p.add_argument("--render", nargs="+", metavar="JSON", help="print the tables of saved results and exit")
    args = p.parse_args(argv)
    if args.render:
        print(render(args.render))
        return 0

    env = environment()
    compile_leaklint()
    results = []
    for name in [c.strip() for c in args.corpus.split(",") if c.strip()]:
        if name == "stdlib":
            root = sysconfig.get_paths()["stdlib"]
            files = stdlib_files()
        elif name == "ecosystem":
            root = ecosystem_root()
            if root is None:
                print("\n## ecosystem: skipped (no corpus at /work/corpus or bench/ecosystem/corpus)")
                continue
            files = tree_files(root)
            root = str(root)
        else:
            p.error(f"unknown corpus {name!r}")
        if args.limit:
            files = files[: args.limit]
        results.append(run_corpus(name, root, files, args))
    env["loadavg_end"] = list(os.getloadavg())
    print()
    for result in results:
        print(markdown(result) + "\n")
    os.makedirs(args.out, exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    names = "+".join(r["corpus"] for r in results) or "none"
    payload = {"environment": env, "results": results}
    written = [Path(args.out) / f"speed-{names}-{stamp}.json", Path(args.out) / f"latest-{names}.json"]
    for target in written:
        target.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"results written to {written[0]} and {written[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
