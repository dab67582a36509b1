#!/usr/bin/env python
"""The leak-fix manifest: loading, validation and counts (shared by fetch.py, score.py and
tests/test_leakfixes.py).

    python bench/leakfixes/manifest.py [--corpus DIR]     # validate, print counts per family

Every `cases/*.toml` holds `[[case]]` tables (see README.md). `load_cases` checks each field,
that ids are unique, that the two versions differ, that no (project, version) is pinned in
bench/ecosystem/projects.toml and that the reference is a URL; it raises ManifestError listing
every problem. `check_files` checks, against a fetched corpus, that each case's leaky and fixed
files exist and that the lines are inside them.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
ROOT = BENCH.parent
CASES_DIR = HERE / "cases"
DISTS_TOML = HERE / "dists.toml"
EXPECTED_JSON = HERE / "expected.json"
RESULTS_JSON = HERE / "results.json"
DEFAULT_DEST = HERE / "corpus"
ECOSYSTEM_TOML = BENCH / "ecosystem" / "projects.toml"

FAMILIES = ("growth", "registration", "closure", "resource", "cycle", "library")
DISTS = ("wheel", "sdist")
# what the issue asks of the corpus
MIN_CASES = 80
MIN_PROJECTS = 40
MIN_PER_FAMILY = 6

REQUIRED = ("id", "project", "family", "dist", "leaky", "fixed", "reference", "kept_alive")
OPTIONAL = ("long_running", "note")
SIDE_KEYS = ("version", "file", "line")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?/\S*$")
VERSION_RE = re.compile(r"^[0-9][0-9A-Za-z.+!-]*$")


class ManifestError(Exception):
    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Side:
    version: str
    file: str
    line: int


@dataclass(frozen=True)
class Case:
    id: str
    project: str
    family: str
    dist: str
    leaky: Side
    fixed: Side
    reference: str
    kept_alive: str
    long_running: Optional[bool]
    source: str  # the cases/*.toml file it came from

    def dirname(self, side: str) -> str:
        return dist_dirname(self.project, getattr(self, side).version)

    def path(self, corpus: Path, side: str) -> Path:
        s: Side = getattr(self, side)
        return corpus / self.dirname(side) / s.file


def canonical(name: str) -> str:
    """PyPI's name normalisation (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def dist_dirname(project: str, version: str) -> str:
    return f"{canonical(project)}-{version}"


def load_toml(path: Path) -> Dict[str, Any]:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def ecosystem_pins(path: Path = ECOSYSTEM_TOML) -> Dict[str, str]:
    if not path.exists():
        return {}
    return {canonical(p["name"]): str(p["version"]) for p in load_toml(path).get("project", [])}


def _side(raw: Any, where: str, problems: List[str]) -> Optional[Side]:
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a table {{ version, file, line }}")
        return None
    extra = set(raw) - set(SIDE_KEYS)
    missing = [k for k in SIDE_KEYS if k not in raw]
    if missing:
        problems.append(f"{where}: missing {', '.join(missing)}")
    if extra:
        problems.append(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    if missing:
        return None
    version, file, line = raw["version"], raw["file"], raw["line"]
    ok = True
    if not isinstance(version, str) or not VERSION_RE.match(version):
        problems.append(f"{where}.version: a release version string, got {version!r}")
        ok = False
    if not isinstance(file, str) or not file.endswith(".py") or file.startswith("/") or ".." in file.split("/") or "\\" in file:
        problems.append(f"{where}.file: a relative path to a .py file inside the dist, got {file!r}")
        ok = False
    if isinstance(line, bool) or not isinstance(line, int) or line < 1:
        problems.append(f"{where}.line: a positive integer, got {line!r}")
        ok = False
    return Side(version, file, line) if ok else None


def parse_cases(files: Iterable[Path], eco: Optional[Mapping[str, str]] = None) -> Tuple[List[Case], List[str]]:
    """All cases of `files` and the list of problems (empty when the manifest is valid)."""
    eco = ecosystem_pins() if eco is None else eco
    problems: List[str] = []
    cases: List[Case] = []
    seen: Dict[str, str] = {}
    for file in files:
        try:
            data = load_toml(file)
        except Exception as exc:  # tomllib.TOMLDecodeError, OSError
            problems.append(f"{file.name}: cannot read: {exc}")
            continue
        extra_top = set(data) - {"case"}
        if extra_top:
            problems.append(f"{file.name}: unknown top-level key(s) {', '.join(sorted(extra_top))}")
        for n, raw in enumerate(data.get("case", []), 1):
            where = f"{file.name} case {n} ({raw.get('id', '?')})" if isinstance(raw, dict) else f"{file.name} case {n}"
            if not isinstance(raw, dict):
                problems.append(f"{where}: not a table")
                continue
            before = len(problems)
            missing = [k for k in REQUIRED if k not in raw]
            if missing:
                problems.append(f"{where}: missing {', '.join(missing)}")
            unknown = set(raw) - set(REQUIRED) - set(OPTIONAL)
            if unknown:
                problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
            cid = raw.get("id")
            if not isinstance(cid, str) or not ID_RE.match(cid):
                problems.append(f"{where}: id must be kebab-case, got {cid!r}")
            elif cid in seen:
                problems.append(f"{where}: id {cid} also in {seen[cid]}")
            else:
                seen[cid] = file.name
            for key in ("project", "reference", "kept_alive"):
                value = raw.get(key)
                if key in raw and (not isinstance(value, str) or not value.strip() or "\n" in value):
                    problems.append(f"{where}: {key} must be a non-empty one-line string")
            if isinstance(raw.get("project"), str) and not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", raw["project"]):
                problems.append(f"{where}: project must be a PyPI distribution name, got {raw['project']!r}")
            if "family" in raw and raw["family"] not in FAMILIES:
                problems.append(f"{where}: family must be one of {', '.join(FAMILIES)}, got {raw['family']!r}")
            if "dist" in raw and raw["dist"] not in DISTS:
                problems.append(f"{where}: dist must be wheel or sdist, got {raw['dist']!r}")
            ref = raw.get("reference")
            if isinstance(ref, str) and not URL_RE.match(ref.strip()):
                problems.append(f"{where}: reference must be a followable http(s) URL, got {ref!r}")
            if "long_running" in raw and not isinstance(raw["long_running"], bool):
                problems.append(f"{where}: long_running must be true or false")
            leaky = _side(raw.get("leaky"), f"{where} leaky", problems) if "leaky" in raw else None
            fixed = _side(raw.get("fixed"), f"{where} fixed", problems) if "fixed" in raw else None
            project = raw.get("project") if isinstance(raw.get("project"), str) else None
            if leaky and fixed and leaky.version == fixed.version:
                problems.append(f"{where}: leaky and fixed version are both {leaky.version}")
            if project:
                for side in (leaky, fixed):
                    if side and eco.get(canonical(project)) == side.version:
                        problems.append(f"{where}: {project} {side.version} is the version pinned in bench/ecosystem/projects.toml")
            if len(problems) == before and leaky and fixed and project:
                cases.append(
                    Case(
                        id=cid, project=project, family=raw["family"], dist=raw["dist"], leaky=leaky, fixed=fixed,
                        reference=ref.strip(), kept_alive=raw["kept_alive"].strip(), long_running=raw.get("long_running"),
                        source=file.name,
                    )
                )
    # one directory per (project, version): all cases must agree on wheel or sdist
    dists: Dict[str, Tuple[str, str]] = {}
    for c in cases:
        for side in ("leaky", "fixed"):
            d = c.dirname(side)
            if d in dists and dists[d][0] != c.dist:
                problems.append(f"{c.source} {c.id}: {d} as {c.dist}, but {dists[d][1]} takes it as {dists[d][0]}")
            dists.setdefault(d, (c.dist, c.id))
    return cases, problems


def case_files(cases_dir: Path = CASES_DIR) -> List[Path]:
    return sorted(cases_dir.glob("*.toml")) if cases_dir.is_dir() else []


def load_cases(cases_dir: Path = CASES_DIR, eco: Optional[Mapping[str, str]] = None) -> List[Case]:
    cases, problems = parse_cases(case_files(cases_dir), eco)
    if problems:
        raise ManifestError(problems)
    return cases


def distributions(cases: Iterable[Case]) -> List[Tuple[str, str, str]]:
    """The distinct (project, version, dist) to fetch, sorted; project names canonical."""
    out = set()
    for c in cases:
        for side in (c.leaky, c.fixed):
            out.add((canonical(c.project), side.version, c.dist))
    return sorted(out)


def default_corpus() -> Path:
    env = os.environ.get("LEAKLINT_LEAKFIXES")
    return Path(env) if env else DEFAULT_DEST


def line_count(path: Path) -> int:
    data = path.read_bytes()
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def check_files(cases: Iterable[Case], corpus: Path) -> Tuple[Dict[str, List[str]], List[str]]:
    """Against a fetched corpus: {case id: problems} for files missing from a fetched dist or
    lines past the end, and the ids of cases whose dists are not fetched at all."""
    problems: Dict[str, List[str]] = {}
    unfetched: List[str] = []
    for c in cases:
        if not all((corpus / c.dirname(s) / ".fetched.json").exists() for s in ("leaky", "fixed")):
            unfetched.append(c.id)
            continue
        for side in ("leaky", "fixed"):
            s: Side = getattr(c, side)
            path = c.path(corpus, side)
            if not path.is_file():
                problems.setdefault(c.id, []).append(f"{side} file {s.file} is not in {c.dirname(side)}")
                continue
            n = line_count(path)
            if s.line > n:
                problems.setdefault(c.id, []).append(f"{side} line {s.line} is past the end of {c.dirname(side)}/{s.file} ({n} lines)")
    return problems, unfetched


def summary(cases: Sequence[Case]) -> Dict[str, Any]:
    per_family = Counter(c.family for c in cases)
    projects = {canonical(c.project) for c in cases}
    short = [f for f in FAMILIES if per_family[f] < MIN_PER_FAMILY]
    return {
        "cases": len(cases),
        "projects": len(projects),
        "per_family": {f: per_family[f] for f in FAMILIES},
        "distributions": len(distributions(cases)),
        "meets": {
            f"cases >= {MIN_CASES}": len(cases) >= MIN_CASES,
            f"projects >= {MIN_PROJECTS}": len(projects) >= MIN_PROJECTS,
            f"every family >= {MIN_PER_FAMILY}": not short,
        },
        "short_families": short,
    }


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=Path, default=CASES_DIR, help="directory of case files (default: %(default)s)")
    ap.add_argument("--corpus", type=Path, default=None, help="also check files and lines against this fetched corpus (default: $LEAKLINT_LEAKFIXES or bench/leakfixes/corpus, when present)")
    args = ap.parse_args(argv)
    files = case_files(args.cases)
    cases, problems = parse_cases(files)
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    s = summary(cases)
    print(f"{len(files)} case file(s), {s['cases']} valid case(s) from {s['projects']} project(s), {s['distributions']} distribution(s)")
    print("per family: " + ", ".join(f"{f} {n}" for f, n in s["per_family"].items()))
    for what, ok in s["meets"].items():
        print(f"  {what}: {'yes' if ok else 'NO'}")
    corpus = args.corpus or default_corpus()
    bad = 0
    if corpus.is_dir():
        file_problems, unfetched = check_files(cases, corpus)
        for cid, ps in sorted(file_problems.items()):
            for p in ps:
                print(f"error: {cid}: {p}", file=sys.stderr)
        bad = len(file_problems)
        print(f"corpus {corpus}: {len(cases) - len(unfetched) - bad} case(s) check out, {bad} with file/line problems, {len(unfetched)} not fetched")
    return 1 if problems or bad else 0


if __name__ == "__main__":
    sys.exit(main())
