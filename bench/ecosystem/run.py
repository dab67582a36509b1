#!/usr/bin/env python
"""Run leaklint over the ecosystem corpus and this machine's standard library.

    python bench/ecosystem/run.py [--corpus DIR] [--select CODES] [--jobs 2] [--no-stdlib]

Every project of projects.toml is linted from <corpus>/<name>-<version>/, and the standard
library of the running interpreter as the pseudo-project `stdlib-<major.minor>` (site-packages
left out, tests included). Paths are relative to each project root, so the findings' fingerprints
are the same on every machine. The result goes to bench/ecosystem/findings.json, sorted.

Without --select, the default-enabled rules run and findings.json is written afresh. With
--select, only the selected rules run (opt-in ones too) and their findings replace those of the
same rules in an existing findings.json, so a rule author can refresh one rule at a time.
Files leaklint cannot analyse (LL000: syntax errors kept on purpose in the stdlib's tests, ...)
are listed under "not_analyzed", not as findings; a crash inside a rule is listed under
"errors" and makes the run exit 1.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    FINDINGS_JSON,
    PROJECTS_TOML,
    default_corpus,
    finding_key,
    load_projects,
    project_dirname,
    read_json,
    stdlib_name,
    stdlib_path,
    write_json,
)

from leaklint.config import Config  # noqa: E402
from leaklint.engine import LL000, InternalError, lint_file  # noqa: E402

# directories of the stdlib tree that are not the standard library
STDLIB_SKIP = {"site-packages", "dist-packages", "__pycache__"}
FINDING_FIELDS = ("project", "path", "line", "column", "end_line", "end_column", "code", "name", "message", "confidence", "scope", "fingerprint")

Task = Tuple[str, str, str]  # (project, root, relative posix path)


class Target:
    def __init__(self, name: str, root: Path, skip_dirs: Iterable[str] = ()) -> None:
        self.name = name
        self.root = root
        self.skip_dirs = set(skip_dirs)

    def files(self) -> List[str]:
        out = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in self.skip_dirs and d != "__pycache__")
            for fn in filenames:
                if fn.endswith(".py"):
                    full = os.path.join(dirpath, fn)
                    if os.path.isfile(full):
                        out.append(Path(os.path.relpath(full, self.root)).as_posix())
        return sorted(out)


def targets(corpus: Path, projects_toml: Path = PROJECTS_TOML, stdlib: bool = True, only: Optional[Sequence[str]] = None) -> Tuple[List[Target], List[str]]:
    """The projects to lint and the names of pinned projects missing from the corpus."""
    data = load_projects(projects_toml)
    out: List[Target] = []
    missing: List[str] = []
    for p in data["project"]:
        if only and p["name"] not in only:
            continue
        root = corpus / project_dirname(p)
        if root.is_dir():
            out.append(Target(project_dirname(p), root))
        else:
            missing.append(project_dirname(p))
    if stdlib and (not only or stdlib_name() in only or "stdlib" in only):
        out.append(Target(stdlib_name(), stdlib_path(), STDLIB_SKIP))
    return out, missing


# ------------------------------------------------------------------------------ workers
_config: Optional[Config] = None


def _init(select: Optional[Tuple[str, ...]]) -> None:
    global _config
    _config = Config(select=select)


def _lint_task(task: Task) -> Tuple[str, str, int, List[Dict[str, Any]], Optional[Dict[str, Any]], Optional[str]]:
    """-> (project, path, lines, findings, not_analyzed, error)"""
    project, root, rel = task
    full = os.path.join(root, *rel.split("/"))
    try:
        with open(full, "rb") as fh:
            lines = fh.read().count(b"\n")
    except OSError:
        lines = 0
    try:
        found = lint_file(full, _config, display_path=rel)
    except InternalError as exc:
        return project, rel, lines, [], None, f"{project}/{exc}"
    except Exception as exc:  # anything else is a leaklint bug as well
        return project, rel, lines, [], None, f"{project}/{rel}: {type(exc).__name__}: {exc}"
    findings: List[Dict[str, Any]] = []
    skipped = None
    for f in found:
        d = f.as_dict()
        d["project"] = project
        if f.code == LL000:
            skipped = {"project": project, "path": rel, "line": f.line, "reason": f.message}
            continue
        findings.append({k: d[k] for k in FINDING_FIELDS})
    return project, rel, lines, findings, skipped, None


def lint_targets(tgts: Sequence[Target], select: Optional[Tuple[str, ...]] = None, jobs: int = 2) -> Dict[str, Any]:
    """Lint every file of every target; return the findings document (without 'rules' merge)."""
    tasks: List[Task] = []
    for t in tgts:
        tasks.extend((t.name, str(t.root), rel) for rel in t.files())
    # biggest files first, so the pool does not wait on one long file at the end
    tasks.sort(key=lambda t: -_size(t))
    stats: Dict[str, Dict[str, int]] = {t.name: {"files": 0, "lines": 0} for t in tgts}
    findings: List[Dict[str, Any]] = []
    not_analyzed: List[Dict[str, Any]] = []
    errors: List[str] = []

    def take(result: Tuple[str, str, int, List[Dict[str, Any]], Optional[Dict[str, Any]], Optional[str]]) -> None:
        project, _rel, lines, fs, skipped, error = result
        stats[project]["files"] += 1
        stats[project]["lines"] += lines
        findings.extend(fs)
        if skipped:
            not_analyzed.append(skipped)
        if error:
            errors.append(error)

    if jobs <= 1:
        _init(select)
        for task in tasks:
            take(_lint_task(task))
    else:
        ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        with ctx.Pool(jobs, initializer=_init, initargs=(select,)) as pool:
            for result in pool.imap_unordered(_lint_task, tasks, chunksize=4):
                take(result)
    findings.sort(key=finding_key)
    not_analyzed.sort(key=lambda d: (d["project"], d["path"]))
    errors.sort()
    return {
        "projects": [{"name": t.name, **stats[t.name]} for t in sorted(tgts, key=lambda t: t.name)],
        "findings": findings,
        "not_analyzed": not_analyzed,
        "errors": errors,
    }


def _size(task: Task) -> int:
    try:
        return os.path.getsize(os.path.join(task[1], task[2]))
    except OSError:
        return 0


def enabled_codes(select: Optional[Tuple[str, ...]]) -> List[str]:
    return [r.code for r in Config(select=select).enabled_rules()]


def merge(old: Optional[Dict[str, Any]], new: Dict[str, Any], codes: List[str]) -> Dict[str, Any]:
    """Replace the findings of `codes` in `old` by those of `new` (same projects only)."""
    from leaklint.registry import all_rules

    known = {r.code for r in all_rules()}
    if not old or [p["name"] for p in old.get("projects", [])] != [p["name"] for p in new["projects"]]:
        return new
    keep = [f for f in old["findings"] if f["code"] not in codes and f["code"] in known]
    rules = sorted((set(old.get("rules", [])) & known) | set(codes))
    findings = sorted(keep + new["findings"], key=finding_key)
    return {**new, "rules": rules, "findings": findings}


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=None, help="fetched corpus (default: $LEAKLINT_CORPUS or bench/ecosystem/corpus)")
    ap.add_argument("--select", default=None, help="comma-separated codes or prefixes (default: the default-enabled rules)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="worker processes (default: %(default)s)")
    ap.add_argument("--no-stdlib", action="store_true", help="leave out the standard library")
    ap.add_argument("--only", nargs="*", default=None, metavar="PROJECT", help="lint only these projects (by name; 'stdlib' for the stdlib); implies --output -")
    ap.add_argument("--output", "-o", default=str(FINDINGS_JSON), help="where to write the findings ('-' for stdout; default: %(default)s)")
    ap.add_argument("--no-merge", action="store_true", help="with --select: write only the selected rules' findings")
    ap.add_argument("--allow-missing", action="store_true", help="lint what is there even if pinned projects are missing")
    args = ap.parse_args(argv)

    corpus = args.corpus or default_corpus()
    select = tuple(s.strip().upper() for s in args.select.split(",") if s.strip()) if args.select else None
    tgts, missing = targets(corpus, stdlib=not args.no_stdlib, only=args.only)
    if missing and not args.allow_missing and not args.only:
        print(f"missing from {corpus}: {', '.join(missing)}\nrun: python bench/ecosystem/fetch.py --dest {corpus}", file=sys.stderr)
        return 2
    codes = enabled_codes(select)
    t0 = time.perf_counter()
    doc = lint_targets(tgts, select, args.jobs)
    elapsed = time.perf_counter() - t0
    doc = {"rules": codes, **doc}
    output = "-" if args.only else args.output
    if select is not None and not args.no_merge and output != "-":
        doc = merge(read_json(Path(output)), doc, codes)
    if output == "-":
        import json

        json.dump(doc, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        write_json(Path(output), doc)
    files = sum(p["files"] for p in doc["projects"])
    lines = sum(p["lines"] for p in doc["projects"])
    by_code: Dict[str, int] = {}
    for f in doc["findings"]:
        by_code[f["code"]] = by_code.get(f["code"], 0) + 1
    print(
        f"{len(doc['projects'])} projects, {files} files, {lines} lines in {elapsed:.1f}s with {args.jobs} job(s); "
        f"rules {','.join(codes) or '-'}; findings {sum(by_code.values())} ({', '.join(f'{c} {n}' for c, n in sorted(by_code.items())) or 'none'}); "
        f"not analyzed {len(doc['not_analyzed'])}; errors {len(doc['errors'])}",
        file=sys.stderr,
    )
    for e in doc["errors"]:
        print(f"error: {e}", file=sys.stderr)
    return 1 if doc["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
