#!/usr/bin/env python
"""Recall of leaklint and of its peers on real leak fixes.

    python bench/leakfixes/score.py [--corpus DIR] [--markdown] [--no-peers]
    python bench/leakfixes/score.py --write-expected      # record leaklint's state for the guard
    python bench/leakfixes/score.py --check               # compare leaklint with expected.json

For every case of cases/*.toml, each tool runs once over all the cases' leaky and fixed files
(from the corpus fetch.py unpacked). A case is *found* by a tool when the tool reports a code
that is suitable for the case's family (SUITABLE below) on a line within WINDOW lines of the
leaky line, in the leaky file; its fixed version is *clean* when no suitable finding lies within
WINDOW lines of the fixed line, in the fixed file. Only the start line of a finding counts.

Tools: leaklint with its default rules and with `--select ALL` (in-process, through the engine,
each file linted with its path inside the distribution, as a user running leaklint in the
project would), and the peers run as one process each from the interpreter of --peers-python
(default $LEAKLINT_PEERS_PYTHON or /tmp/leaklint-peers/bin/python, versions in peers.txt): ruff,
flake8 with flake8-bugbear and flake8-simplify, pylint; plus the union of the peers (found when
one of them finds it; clean when all of them are clean). A peer that is not installed is a
skipped row with a note.

Writes results.json (per case, per tool: found, clean and the matching findings) and prints
the recall table (markdown with --markdown). Cases whose files or lines are not in the fetched
distributions are reported and left out; so are cases whose distributions are not fetched.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import manifest  # noqa: E402
from manifest import FAMILIES, Case  # noqa: E402

if str(manifest.ROOT) not in sys.path:  # the checkout's leaklint, not an installed one
    sys.path.insert(0, str(manifest.ROOT))

WINDOW = 2
PEERS_TXT = HERE / "peers.txt"

# ---------------------------------------------------------------------------------- suitable codes
# The one table of which codes count for which family. A code ending in "*" is a prefix (LL1* is
# every LL1xx rule, present and future). Peers' codes: ruff and flake8 share the B/SIM codes; pylint
# is matched by message symbol. Why each cross-family code is there: see README.md ("Suitable
# codes"); in short, a cross-family code is listed when its finding names the same mechanism of
# retention as the family, and every peer code has a leaklint counterpart mapped to the same
# families (B019 ~ LL103, B006 ~ LL104, B023 ~ LL306, SIM115 ~ LL401/LL402), so neither side gets
# a wider net than the other for the same check.
SUITABLE: Dict[str, Tuple[str, ...]] = {
    "growth": (
        "LL1*",
        "LL201", "LL203", "LL204",  # a process-lifetime container gains an entry per call: class registry, logging's logger dict, a logger's handler list
        "B006", "B008", "RUF012", "PLW0603", "dangerous-default-value", "global-statement",  # mutable defaults / class attributes / globals
        "B019", "method-cache-max-size-none",  # a cache on a method grows with every instance
    ),
    "registration": (
        "LL2*",
        "LL101",  # a module-level registry that only grows
        "LL104",  # a mutable default used as a registry (B006's counterpart)
        "LL301",  # a closure stored in a module container or registered with atexit / signal
        "B006", "B008", "RUF012", "PLW0603", "dangerous-default-value", "global-statement",
    ),
    "closure": (
        "LL3*",
        "LL202",  # a registered callback (lambda, partial, bound method) that pins self or the caller's locals
        "B023", "cell-var-from-loop",
    ),
    "resource": (
        "LL4*",
        "LL603",  # threads, timers and event loops never joined or closed: OS threads and selector fds
        "SIM115", "consider-using-with",
    ),
    "cycle": (
        "LL5*",
        "LL302",  # a stored exception -> traceback -> frame -> the object that stored it
        "LL303", "LL304", "LL305",  # object <-> its own callback / bound method / recursive closure cell
        "LL103",  # the peers' B019 counts here, so its leaklint twin does too
        "B019", "method-cache-max-size-none",
    ),
    "library": (
        "LL6*",
        "LL401", "LL402", "LL403",  # library objects (sessions, clients, images, connections) left open
        "SIM115", "consider-using-with",
    ),
}

RUFF_CODES = ("B006", "B008", "B019", "B023", "SIM115", "RUF012", "PLW0603")
FLAKE8_CODES = ("B006", "B008", "B019", "B023", "SIM115")
PYLINT_CHECKS = ("consider-using-with", "dangerous-default-value", "method-cache-max-size-none", "cell-var-from-loop", "global-statement")

LEAKLINT_TOOLS = ("leaklint-default", "leaklint-all", "leaklint-every-form")
PEER_TOOLS = ("ruff", "flake8", "pylint")
UNION = "peers-union"
TITLES = {
    "leaklint-default": "leaklint (default rules)",
    "leaklint-all": "leaklint `--select ALL`",
    "leaklint-every-form": "leaklint `--select ALL`, every form (each rule's form options on)",
    "ruff": "ruff (" + ", ".join(RUFF_CODES) + ")",
    "flake8": "flake8 + bugbear + simplify (" + ", ".join(FLAKE8_CODES) + ")",
    "pylint": "pylint (" + ", ".join(PYLINT_CHECKS) + ")",
    UNION: "peers' union",
}

Finding = Dict[str, Any]  # {"line", "code", "message"}
ByFile = Dict[str, List[Finding]]  # absolute path -> findings


def suitable(code: str, family: str) -> bool:
    for pattern in SUITABLE[family]:
        if pattern.endswith("*") and code.startswith(pattern[:-1]) or code == pattern:
            return True
    return False


def near(findings: Iterable[Finding], line: int, family: str) -> List[Finding]:
    return [f for f in findings if abs(f["line"] - line) <= WINDOW and suitable(f["code"], family)]


# ---------------------------------------------------------------------------------- the files
def case_paths(cases: Sequence[Case], corpus: Path) -> List[Tuple[str, str]]:
    """(absolute path, path inside the distribution) of every leaky and fixed file, no repeats."""
    out: Dict[str, str] = {}
    for c in cases:
        for side in ("leaky", "fixed"):
            out[str(c.path(corpus, side))] = getattr(c, side).file
    return sorted(out.items())


def usable(cases: Sequence[Case], corpus: Path) -> Tuple[List[Case], Dict[str, List[str]], List[str]]:
    """The cases that can be scored; {id: file/line problems}; ids of unfetched cases."""
    problems, unfetched = manifest.check_files(cases, corpus)
    bad = set(problems) | set(unfetched)
    return [c for c in cases if c.id not in bad], problems, unfetched


# ---------------------------------------------------------------------------------- leaklint
def run_leaklint(
    paths: Sequence[Tuple[str, str]], select: Optional[Tuple[str, ...]], project: bool = True, forms: bool = False
) -> Tuple[ByFile, List[str]]:
    """Lint each file in-process; ({path: findings}, errors). A file leaklint cannot analyse
    (LL000) has no findings and is listed in errors, as is a crash inside a rule.

    With `project` (the default), each file is linted as the CLI lints a project it checks:
    with the lifetime model (leaklint.analysis.project.build_index) of the unpacked
    distribution the file belongs to, built once per distribution, its files summarized by
    $LEAKLINT_JOBS worker processes (default: one per core). With `forms`, every option that
    turns on more of a rule's forms is set (`leaklint.config.every_form`)."""
    from leaklint.analysis.project import build_index
    from leaklint.config import Config, every_form
    from leaklint.engine import LL000, InternalError, SourceError, lint_source, read_source

    config = Config(select=select)
    if forms:
        config = every_form(config)
    out: ByFile = {}
    errors: List[str] = []
    indexes: Dict[str, Any] = {}
    jobs = int(os.environ.get("LEAKLINT_JOBS", "0") or 0) or os.cpu_count() or 1
    for path, shown in paths:
        out[path] = []
        model = None
        if project:
            root = path[: -len(shown)].rstrip("/\\") if path.endswith(shown) else os.path.dirname(path)
            if root not in indexes:
                indexes[root] = build_index([path], root=root, jobs=jobs)
            model = indexes[root]
        try:
            text = read_source(path)
            found = lint_source(text, shown, config, project=model, module=model.module_of(path) if model is not None else None)
        except SourceError as exc:
            errors.append(f"{path}: not analysed: {exc}")
            continue
        except InternalError as exc:
            errors.append(f"{path}: leaklint crashed: {exc}")
            continue
        for f in found:
            if f.code == LL000:
                errors.append(f"{path}: not analysed: {f.message}")
                continue
            out[path].append({"line": f.line, "code": f.code, "message": f.message})
    return out, errors


def default_codes() -> Tuple[str, ...]:
    from leaklint.config import Config

    return tuple(r.code for r in Config().enabled_rules())


def leaklint_findings(cases: Sequence[Case], corpus: Path, every_form_row: bool = False) -> Dict[str, Tuple[ByFile, List[str]]]:
    """The leaklint rows from one run of every rule: the default row keeps the findings of the
    default-enabled rules (each rule's findings on a file do not depend on which other rules
    run; tests/test_leakfixes.py checks that on a sample). `every_form_row`: also the row with
    every rule's form options on (a second run; the guard does not record it)."""
    paths = case_paths(cases, corpus)
    everything, errors = run_leaklint(paths, ("ALL",))
    defaults = set(default_codes())
    default = {p: [f for f in fs if f["code"] in defaults] for p, fs in everything.items()}
    out = {"leaklint-default": (default, errors), "leaklint-all": (everything, errors)}
    if every_form_row:
        out["leaklint-every-form"] = run_leaklint(paths, ("ALL",), forms=True)
    return out


# ---------------------------------------------------------------------------------- peers
def peers_python_default() -> str:
    return os.environ.get("LEAKLINT_PEERS_PYTHON", "/tmp/leaklint-peers/bin/python")


def _peer_env() -> Dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONWARNINGS")}


def _speed() -> Any:
    import speed  # bench/speed.py: how the peers are found (and their versions) for every benchmark

    return speed


def find_peer(peers_python: str, module: str) -> Optional[str]:
    return _speed().peer_python(argparse.Namespace(peers_python=peers_python), module)


def _run(argv: Sequence[str], cwd: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(argv), cwd=cwd, env=_peer_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True)


def _rel(paths: Sequence[str], cwd: str) -> List[str]:
    return [os.path.relpath(p, cwd) for p in paths]


def run_ruff(python: str, paths: Sequence[str], cwd: str) -> ByFile:
    res = _run([python, "-m", "ruff", "check", "--isolated", "--no-cache", "--exit-zero", "--output-format", "json",
                "--select", ",".join(RUFF_CODES), *_rel(paths, cwd)], cwd)
    if res.returncode != 0:
        raise RuntimeError(f"ruff exited {res.returncode}: {res.stderr.strip()[-500:]}")
    out: ByFile = {p: [] for p in paths}
    for d in json.loads(res.stdout or "[]"):
        path = os.path.normpath(os.path.join(cwd, d["filename"]))
        out.setdefault(path, []).append({"line": d["location"]["row"], "code": d["code"], "message": d["message"]})
    return out


def run_flake8(python: str, paths: Sequence[str], cwd: str) -> ByFile:
    fmt = "%(path)s\t%(row)d\t%(code)s\t%(text)s"
    res = _run([python, "-m", "flake8", "--isolated", "--exit-zero", "--jobs", "2", "--select", ",".join(FLAKE8_CODES),
                f"--format={fmt}", *_rel(paths, cwd)], cwd)
    if res.returncode != 0:
        raise RuntimeError(f"flake8 exited {res.returncode}: {res.stderr.strip()[-500:]}")
    out: ByFile = {p: [] for p in paths}
    for line in res.stdout.splitlines():
        parts = line.split("\t", 3)
        if len(parts) != 4:
            continue
        path = os.path.normpath(os.path.join(cwd, parts[0]))
        out.setdefault(path, []).append({"line": int(parts[1]), "code": parts[2], "message": parts[3]})
    return out


def run_pylint(python: str, paths: Sequence[str], cwd: str) -> ByFile:
    with tempfile.TemporaryDirectory(prefix="leaklint-pylint-") as tmp:
        rc = Path(tmp) / "pylintrc"
        rc.write_text("[MAIN]\n")
        res = _run([python, "-m", "pylint", f"--rcfile={rc}", "--disable=all", f"--enable={','.join(PYLINT_CHECKS)}",
                    "--output-format=json", "--score=n", "--reports=n", "--persistent=n", "--jobs=1", *_rel(paths, cwd)], cwd)
    if res.returncode & 32 or not res.stdout.strip().startswith("["):  # 32: usage error; other bits: messages
        raise RuntimeError(f"pylint exited {res.returncode}: {res.stderr.strip()[-500:]}")
    out: ByFile = {p: [] for p in paths}
    for d in json.loads(res.stdout):
        path = os.path.normpath(os.path.join(cwd, d["path"]))
        out.setdefault(path, []).append({"line": d["line"], "code": d["symbol"], "message": d["message"]})
    return out


PEER_RUNNERS = {"ruff": ("ruff", "ruff", run_ruff), "flake8": ("flake8_simplify", "flake8-bugbear", run_flake8), "pylint": ("pylint", "pylint", run_pylint)}
PEER_NEEDS = {"ruff": ("ruff",), "flake8": ("flake8", "bugbear", "flake8_simplify"), "pylint": ("pylint",)}
PEER_DISTS = {"ruff": ("ruff",), "flake8": ("flake8", "flake8-bugbear", "flake8-simplify"), "pylint": ("pylint",)}


def peer_findings(cases: Sequence[Case], corpus: Path, peers_python: str, log: Any = None) -> Dict[str, Dict[str, Any]]:
    """{tool: {"findings": ByFile, "version": ..., "seconds": ...} or {"skipped": reason}}."""
    paths = [p for p, _ in case_paths(cases, corpus)]
    cwd = str(corpus.resolve())
    out: Dict[str, Dict[str, Any]] = {}
    for tool in PEER_TOOLS:
        _, _, runner = PEER_RUNNERS[tool]
        pythons = {m: find_peer(peers_python, m) for m in PEER_NEEDS[tool]}
        missing = [m for m, py in pythons.items() if py is None]
        if missing:
            out[tool] = {"skipped": f"not installed: {', '.join(missing)} (pip install -r bench/leakfixes/peers.txt into {peers_python})"}
            continue
        if len(set(pythons.values())) != 1:
            out[tool] = {"skipped": f"{', '.join(PEER_NEEDS[tool])} are not in one interpreter"}
            continue
        python = next(iter(pythons.values()))
        if tool == "flake8" and _speed().flake8_has_ll_entry_point(python):
            out[tool] = {"skipped": f"{python}'s flake8 also loads leaklint; use a peers venv without it"}
            continue
        version = ", ".join(f"{d} {_speed().module_version(python, d)}" for d in PEER_DISTS[tool])
        start = time.perf_counter()
        try:
            findings = runner(python, paths, cwd)
        except (RuntimeError, ValueError, OSError) as exc:
            out[tool] = {"skipped": f"failed: {exc}"}
            continue
        out[tool] = {"findings": findings, "version": version, "seconds": round(time.perf_counter() - start, 1)}
        if log:
            log(f"{tool} ({version}): {sum(len(v) for v in findings.values())} findings on {len(paths)} files in {out[tool]['seconds']}s")
    return out


# ---------------------------------------------------------------------------------- scoring
def score_case(case: Case, corpus: Path, by_file: ByFile) -> Dict[str, Any]:
    leaky = near(by_file.get(str(case.path(corpus, "leaky")), []), case.leaky.line, case.family)
    fixed = near(by_file.get(str(case.path(corpus, "fixed")), []), case.fixed.line, case.family)
    return {"found": bool(leaky), "clean": not fixed, "leaky": leaky, "fixed": fixed}


def score(cases: Sequence[Case], corpus: Path, tools: Mapping[str, ByFile]) -> Dict[str, Dict[str, Any]]:
    """{case id: {tool: score}} for every tool that ran, plus the peers' union."""
    out: Dict[str, Dict[str, Any]] = {}
    for c in cases:
        per = {tool: score_case(c, corpus, by_file) for tool, by_file in tools.items()}
        ran = [t for t in PEER_TOOLS if t in per]
        if ran:
            per[UNION] = {
                "found": any(per[t]["found"] for t in ran),
                "clean": all(per[t]["clean"] for t in ran),
                "found_by": [t for t in ran if per[t]["found"]],
                "dirty_by": [t for t in ran if not per[t]["clean"]],
            }
        out[c.id] = per
    return out


def state(scores: Mapping[str, Mapping[str, Any]], tool: str) -> Dict[str, Dict[str, bool]]:
    return {cid: {"found": per[tool]["found"], "clean": per[tool]["clean"]} for cid, per in sorted(scores.items()) if tool in per}


def leaklint_scores(cases: Sequence[Case], corpus: Path) -> Tuple[Dict[str, Dict[str, Any]], List[str]]:
    runs = leaklint_findings(cases, corpus)
    scores = score(cases, corpus, {t: found for t, (found, _) in runs.items()})
    return scores, sorted({e for _, errors in runs.values() for e in errors})


def leaklint_state(cases: Sequence[Case], corpus: Path) -> Tuple[Dict[str, Dict[str, Dict[str, bool]]], List[str]]:
    """What the guard compares: {"default"|"all": {case id: {"found", "clean"}}} and errors."""
    scores, errors = leaklint_scores(cases, corpus)
    return states(scores), errors


def states(scores: Mapping[str, Mapping[str, Any]]) -> Dict[str, Dict[str, Dict[str, bool]]]:
    return {"default": state(scores, "leaklint-default"), "all": state(scores, "leaklint-all")}


def compare(expected: Mapping[str, Mapping[str, Mapping[str, bool]]], current: Mapping[str, Mapping[str, Mapping[str, bool]]]) -> Dict[str, List[str]]:
    """Changes from `expected` to `current`, as "<config>: <case id>" lists: `lost` (found, now
    missed) and `dirtied` (fixed version clean, now flagged) are regressions; `gained` and
    `cleaned` are improvements. Cases absent from `current` (not fetched) are not compared."""
    out: Dict[str, List[str]] = {"lost": [], "dirtied": [], "gained": [], "cleaned": []}
    for config in sorted(expected):
        now = current.get(config, {})
        for cid, exp in sorted(expected[config].items()):
            cur = now.get(cid)
            if cur is None:
                continue
            if exp["found"] and not cur["found"]:
                out["lost"].append(f"{config}: {cid}")
            if not exp["found"] and cur["found"]:
                out["gained"].append(f"{config}: {cid}")
            if exp["clean"] and not cur["clean"]:
                out["dirtied"].append(f"{config}: {cid}")
            if not exp["clean"] and cur["clean"]:
                out["cleaned"].append(f"{config}: {cid}")
    return out


def read_expected(path: Optional[Path] = None) -> Dict[str, Dict[str, Dict[str, bool]]]:
    with open(path or manifest.EXPECTED_JSON, encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: v for k, v in data.items() if k in ("default", "all")}


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------- tables
def table(cases: Sequence[Case], scores: Mapping[str, Mapping[str, Any]], tools: Sequence[str], skipped: Mapping[str, str]) -> Dict[str, Any]:
    per_family = Counter(c.family for c in cases)
    rows = []
    for tool in tools:
        if tool in skipped:
            rows.append({"tool": tool, "skipped": skipped[tool]})
            continue
        found = Counter()
        clean = 0
        found_clean = 0
        for c in cases:
            s = scores[c.id][tool]
            if s["found"]:
                found[c.family] += 1
                found_clean += s["clean"]
            clean += s["clean"]
        total = sum(found.values())
        rows.append({
            "tool": tool,
            "found": {f: found[f] for f in FAMILIES},
            "found_all": total,
            "clean": clean,
            "found_clean": found_clean,
        })
    return {"cases": len(cases), "per_family": {f: per_family[f] for f in FAMILIES}, "rows": rows}


def _cell(n: int, d: int) -> str:
    return f"{n}/{d} ({100.0 * n / d:.0f}%)" if d else "–"


def markdown(tab: Mapping[str, Any], misses: Sequence[Tuple[str, str, List[str]]]) -> str:
    fams = [f for f in FAMILIES]
    head = "| tool | " + " | ".join(f"{f} ({tab['per_family'][f]})" for f in fams) + f" | all ({tab['cases']}) | fixed clean | fixed clean where found |"
    lines = [head, "|---|" + "---:|" * (len(fams) + 3)]
    for r in tab["rows"]:
        title = TITLES.get(r["tool"], r["tool"])
        if "skipped" in r:
            lines.append(f"| {title} | " + " | ".join("–" for _ in fams) + f" | skipped: {r['skipped']} | | |")
            continue
        cells = [_cell(r["found"][f], tab["per_family"][f]) for f in fams]
        lines.append(f"| {title} | " + " | ".join(cells) + f" | **{_cell(r['found_all'], tab['cases'])}** | "
                     f"{_cell(r['clean'], tab['cases'])} | {_cell(r['found_clean'], r['found_all'])} |")
    out = "\n".join(lines)
    if misses:
        out += "\n\nFound by the peers' union, missed by leaklint's default rules:\n\n"
        out += "\n".join(f"- `{cid}` ({fam}): {', '.join(by)}" for cid, fam, by in misses)
    return out


def plain(tab: Mapping[str, Any]) -> str:
    fams = list(FAMILIES)
    w = max([len(r["tool"]) for r in tab["rows"]] + [8])
    lines = [f"{'tool':<{w}}  " + "  ".join(f"{f[:6]:>6}" for f in fams) + f"  {'all':>7}  clean  clean|found",
             f"{'(cases)':<{w}}  " + "  ".join(f"{tab['per_family'][f]:>6}" for f in fams) + f"  {tab['cases']:>7}"]
    for r in tab["rows"]:
        title = r["tool"]
        if "skipped" in r:
            lines.append(f"{title:<{w}}  skipped: {r['skipped']}")
            continue
        lines.append(f"{title:<{w}}  " + "  ".join(f"{r['found'][f]:>6}" for f in fams)
                     + f"  {r['found_all']:>7}  {r['clean']:>5}  {r['found_clean']:>5}/{r['found_all']}")
    return "\n".join(lines)


def union_misses(cases: Sequence[Case], scores: Mapping[str, Mapping[str, Any]]) -> List[Tuple[str, str, List[str]]]:
    out = []
    for c in cases:
        s = scores[c.id]
        if UNION in s and s[UNION]["found"] and not s["leaklint-default"]["found"]:
            by = [f"{t} {'/'.join(sorted({f['code'] for f in s[t]['leaky']}))}" for t in s[UNION]["found_by"]]
            out.append((c.id, c.family, by))
    return out


# ---------------------------------------------------------------------------------- main
def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=None, help="fetched corpus (default: $LEAKLINT_LEAKFIXES or bench/leakfixes/corpus)")
    ap.add_argument("--cases", type=Path, default=manifest.CASES_DIR, help=argparse.SUPPRESS)
    ap.add_argument("--peers-python", default=peers_python_default(), help="interpreter with the peers (default: %(default)s; falls back to this one)")
    ap.add_argument("--no-peers", action="store_true", help="score leaklint only")
    ap.add_argument("--markdown", action="store_true", help="print the table as markdown")
    ap.add_argument("--output", "-o", type=Path, default=manifest.RESULTS_JSON, help="results file (default: %(default)s; '-' for none)")
    ap.add_argument("--write-expected", action="store_true", help="record leaklint's found / clean cases in expected.json")
    ap.add_argument("--check", action="store_true", help="compare leaklint with expected.json; exit 1 on a lost case or a dirtied fixed version")
    args = ap.parse_args(argv)
    corpus = (args.corpus or manifest.default_corpus()).resolve()
    try:
        all_cases = manifest.load_cases(args.cases)
    except manifest.ManifestError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        return 2
    cases, problems, unfetched = usable(all_cases, corpus)
    for cid, ps in sorted(problems.items()):
        for p in ps:
            print(f"case problem: {cid}: {p}", file=sys.stderr)
    if unfetched:
        print(f"not fetched (run bench/leakfixes/fetch.py): {', '.join(unfetched)}", file=sys.stderr)
    if not cases:
        print(f"no case can be scored from {corpus}", file=sys.stderr)
        return 2

    if args.check:
        expected = read_expected()
        current, errors = leaklint_state(cases, corpus)
        for e in errors:
            print(f"leaklint: {e}", file=sys.stderr)
        diff = compare(expected, current)
        for what, title in (("lost", "LOST (was found)"), ("dirtied", "DIRTIED (fixed version was clean)"),
                            ("gained", "improved: now found"), ("cleaned", "improved: fixed version now clean")):
            for item in diff[what]:
                print(f"{title}: {item}")
        new = sorted(set(current["default"]) - set(expected.get("default", {})))
        if new:
            print(f"not in expected.json (run score.py --write-expected): {', '.join(new)}")
        bad = bool(diff["lost"] or diff["dirtied"])
        print("check: " + ("FAILED" if bad else "ok") + f" ({len(cases)} cases compared)")
        return 1 if bad else 0

    start = time.perf_counter()
    runs = leaklint_findings(cases, corpus, every_form_row=True)
    tools: Dict[str, ByFile] = {t: runs[t][0] for t in LEAKLINT_TOOLS}
    errors = runs["leaklint-all"][1]
    for e in errors:
        print(f"leaklint: {e}", file=sys.stderr)
    print(f"leaklint: {len(case_paths(cases, corpus))} files in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    skipped: Dict[str, str] = {}
    peer_info: Dict[str, Any] = {}
    if args.no_peers:
        skipped = {t: "--no-peers" for t in (*PEER_TOOLS, UNION)}
    else:
        for tool, got in peer_findings(cases, corpus, args.peers_python, log=lambda m: print(m, file=sys.stderr)).items():
            if "skipped" in got:
                skipped[tool] = got["skipped"]
                print(f"{tool}: skipped: {got['skipped']}", file=sys.stderr)
            else:
                tools[tool] = got["findings"]
                peer_info[tool] = {"version": got["version"], "seconds": got["seconds"]}
        if all(t in skipped for t in PEER_TOOLS):
            skipped[UNION] = "no peer ran"
    scores = score(cases, corpus, tools)
    order = [*LEAKLINT_TOOLS, *PEER_TOOLS, UNION]
    tab = table(cases, scores, order, skipped)
    misses = union_misses(cases, scores)
    print(markdown(tab, misses) if args.markdown else plain(tab))
    if not args.markdown and misses:
        print("\nfound by the peers' union, missed by leaklint default:")
        for cid, fam, by in misses:
            print(f"  {cid} ({fam}): {', '.join(by)}")

    if str(args.output) != "-":
        doc = {
            "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "window": WINDOW,
            "suitable": SUITABLE,
            "tools": {t: {"title": TITLES[t], **peer_info.get(t, {}), **({"skipped": skipped[t]} if t in skipped else {})} for t in order},
            "table": tab,
            "peers_union_not_leaklint_default": [{"id": cid, "family": fam, "found_by": by} for cid, fam, by in misses],
            "problems": {cid: ps for cid, ps in sorted(problems.items())},
            "not_fetched": unfetched,
            "leaklint_errors": errors,
            "cases": {c.id: {"project": c.project, "family": c.family, **scores[c.id]} for c in cases},
        }
        write_json(args.output, doc)
    if args.write_expected:
        expected = states(scores)
        write_json(manifest.EXPECTED_JSON, {"about": "leaklint's state on the leak-fix corpus, written by score.py --write-expected; "
                                            "tests/test_leakfixes.py fails when a found case is lost or a clean fixed version gets flagged", **expected})
        print(f"wrote {manifest.EXPECTED_JSON} ({len(cases)} cases)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
