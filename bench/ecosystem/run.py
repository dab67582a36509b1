#!/usr/bin/env python
"""Run leaklint over the ecosystem corpus and this machine's standard library.

    python bench/ecosystem/run.py [--corpus DIR] [--select CODES] [--jobs 2] [--no-stdlib]
                                  [--projects TOML]

Every project of projects.toml is linted from <corpus>/<name>-<version>/, and the standard
library of the running interpreter as the pseudo-project `stdlib-<major.minor>` (site-packages
left out, tests included). Paths are relative to each project root, so the findings' fingerprints
are the same on every machine. The result goes to bench/ecosystem/findings.json, sorted.

Without --select, the default-enabled rules run and findings.json is written afresh. With
--select, only the selected rules run (opt-in ones too) and their findings replace those of the
same rules in an existing findings.json, so a rule author can refresh one rule at a time.
`--projects` reads another pin list of the same format (bench/fresh/projects.toml: the fresh
sample). Each file gets its project's lifetime model, as the CLI gives it (one model per project
root, summaries cached in bench/ecosystem/.cache/), so findings match `leaklint PATH`; the
corpus is pinned, so the result cache need not follow the other files of a project. The leaklint imported is the first on sys.path: this checkout's,
unless PYTHONPATH names another checkout before it.
Files leaklint cannot analyse (LL000: syntax errors kept on purpose in the stdlib's tests, ...)
are listed under "not_analyzed", not as findings; a crash inside a rule is listed under
"errors" and makes the run exit 1.
"""

from __future__ import annotations

import argparse
import hashlib
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
from leaklint.engine import LL000, InternalError, SourceError, add_fingerprints, error_finding, lint_source, read_source  # noqa: E402

# directories of the stdlib tree that are not the standard library
STDLIB_SKIP = {"site-packages", "dist-packages", "__pycache__"}
FINDING_FIELDS = ("project", "path", "line", "column", "end_line", "end_column", "code", "name", "message", "confidence", "scope", "fingerprint")

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


# ------------------------------------------------------------------------------ result cache
CACHE_DIR = Path(__file__).resolve().parent / ".cache"


def rule_cache_key(rule: Any) -> str:
    """Everything that can change a rule's findings on a given file: the rule's own module, the
    engine and the shared code (every leaklint module except the other rules' own modules:
    leaklint/*.py, analysis/, knowledge/, rules/*/_common.py), libcst and the interpreter version.
    Changing one rule invalidates only that rule's cached results."""
    import inspect

    import leaklint
    import libcst

    h = hashlib.sha256()
    h.update(f"{sys.version_info[:2]} libcst {getattr(libcst, '__version__', '?')}\0".encode())
    pkg = Path(leaklint.__file__).resolve().parent
    rules_dir = pkg / "rules"
    sources = sorted(
        p for p in pkg.rglob("*.py")
        if "__pycache__" not in p.parts and not (p.parent == rules_dir and not p.name.startswith("_"))
    )
    own = inspect.getsourcefile(rule)
    if own:
        sources.append(Path(own).resolve())
    for src in sources:
        h.update(str(src.relative_to(pkg) if src.is_relative_to(pkg) else src.name).encode() + b"\0")  # type: ignore[attr-defined]
        h.update(src.read_bytes())
    return h.hexdigest()[:24]


class ResultCache:
    """Per rule, per file: the findings of that rule on that file content. Stored in
    bench/ecosystem/.cache/<code>.json (gitignored); a file is looked up by project, path and the
    sha256 of its bytes."""

    def __init__(self, rules: Sequence[Any], directory: Optional[Path]) -> None:
        self.directory = directory
        self.keys = {r.code: rule_cache_key(r) for r in rules} if directory else {}
        self.data: Dict[str, Dict[str, Any]] = {}
        for code, key in self.keys.items():
            doc = read_json(directory / f"{code}.json") if directory else None  # type: ignore[operator]
            self.data[code] = doc["files"] if doc and doc.get("key") == key else {}
        self.dirty = set()

    def get(self, code: str, name: str, sha: str) -> Any:
        entry = self.data.get(code, {}).get(name)
        return entry[1] if entry and entry[0] == sha else None

    def put(self, code: str, name: str, sha: str, value: Any) -> None:
        if self.directory is not None:
            self.data[code][name] = [sha, value]
            self.dirty.add(code)

    def save(self, keep: Optional[set] = None) -> None:
        if self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        for code in sorted(self.dirty):
            files = self.data[code]
            if keep is not None:
                files = {k: v for k, v in files.items() if k in keep}
            write_json(self.directory / f"{code}.json", {"key": self.keys[code], "files": files})


# ------------------------------------------------------------------------------ workers
_config: Optional[Config] = None
_rules: Dict[str, Any] = {}

Job = Tuple[str, str, str, Tuple[str, ...]]  # (project, root, relative path, codes to run)
# -> (project, path, {code: [findings] | {"ll000": {...}}}, error)
JobResult = Tuple[str, str, Dict[str, Any], Optional[str]]


_projects: Dict[str, Any] = {}  # project root -> its lifetime model (ProjectIndex), per process
SUMMARY_DIR = CACHE_DIR / "summaries"


def project_index(root: str, skip_dirs: Iterable[str] = ()) -> Any:
    """The lifetime model of one corpus project, built once per process (the CLI builds it once
    per run): every file of the project, summaries cached in bench/ecosystem/.cache/."""
    if root not in _projects:
        from leaklint.analysis.lifetime import ProjectIndex
        from leaklint.analysis.project import SummaryCache, summarize_file

        cache = SummaryCache(str(CACHE_DIR))
        files = [os.path.join(root, *rel.split("/")) for rel in Target("", Path(root), skip_dirs).files()]
        _projects[root] = ProjectIndex([summarize_file(f, root, cache) for f in files])
    return _projects[root]


def _init(select: Optional[Tuple[str, ...]]) -> None:
    global _config, _rules
    _config = Config(select=select)
    _rules = {r.code: r for r in _config.enabled_rules()}


def _lint_job(job: Job) -> JobResult:
    """Lint one file with some of the enabled rules (the same as lint_file, which is
    read_source + lint_source, restricted to the rules the cache does not answer)."""
    project, root, rel, codes = job
    full = os.path.join(root, *rel.split("/"))
    try:
        try:
            text = read_source(full)
        except SourceError as err:
            found = add_fingerprints([error_finding(rel, err)], "")
        else:
            model = project_index(root, STDLIB_SKIP)
            found = lint_source(text, rel, _config, rules=[_rules[c] for c in codes], project=model, module=model.module_of(full))
    except InternalError as exc:
        return project, rel, {}, f"{project}/{exc}"
    except Exception as exc:  # anything else is a leaklint bug as well
        return project, rel, {}, f"{project}/{rel}: {type(exc).__name__}: {exc}"
    by_code: Dict[str, Any] = {c: [] for c in codes}
    for f in found:
        if f.code == LL000:
            skipped = {"project": project, "path": rel, "line": f.line, "reason": f.message}
            by_code = {c: {"ll000": skipped} for c in codes}
            break
        d = f.as_dict()
        d["project"] = project
        by_code[f.code].append({k: d[k] for k in FINDING_FIELDS})
    return project, rel, by_code, None


def lint_targets(
    tgts: Sequence[Target],
    select: Optional[Tuple[str, ...]] = None,
    jobs: int = 2,
    cache_dir: Optional[Path] = CACHE_DIR,
) -> Dict[str, Any]:
    """Lint every file of every target; return the findings document. Results of unchanged
    (rule, file) pairs come from the cache in `cache_dir` (None: no cache)."""
    rules = Config(select=select).enabled_rules()
    codes = tuple(r.code for r in rules)
    cache = ResultCache(rules, cache_dir)
    stats: Dict[str, Dict[str, int]] = {t.name: {"files": 0, "lines": 0} for t in tgts}
    results: Dict[Tuple[str, str], Dict[str, Any]] = {}
    todo: List[Tuple[int, Job]] = []
    shas: Dict[Tuple[str, str], str] = {}
    for t in tgts:
        for rel in t.files():
            try:
                data = (t.root / rel).read_bytes()
            except OSError:
                data = b""
            stats[t.name]["files"] += 1
            stats[t.name]["lines"] += data.count(b"\n")
            sha = hashlib.sha256(data).hexdigest()[:32]
            shas[(t.name, rel)] = sha
            got = {c: cache.get(c, f"{t.name}/{rel}", sha) for c in codes}
            results[(t.name, rel)] = {c: v for c, v in got.items() if v is not None}
            missing = tuple(c for c in codes if got[c] is None)
            if missing:
                todo.append((len(data), (t.name, str(t.root), rel, missing)))
    # biggest files first, so the pool does not wait on one long file at the end
    todo.sort(key=lambda x: -x[0])
    jobs_list = [j for _, j in todo]
    errors: List[str] = []

    def take(result: JobResult) -> None:
        project, rel, by_code, error = result
        if error:
            errors.append(error)
            return
        results[(project, rel)].update(by_code)
        for code, value in by_code.items():
            cache.put(code, f"{project}/{rel}", shas[(project, rel)], value)

    if jobs_list:
        # summarize each project once here, so the workers load the summaries from the cache
        roots = {root for _, root, _, _ in jobs_list}
        for t in tgts:
            if str(t.root) in roots:
                project_index(str(t.root), t.skip_dirs)
        _projects.clear()
        if jobs <= 1:
            _init(select)
            for job in jobs_list:
                take(_lint_job(job))
        else:
            ctx = multiprocessing.get_context("spawn")  # no fork: the engine keeps a worker thread
            with ctx.Pool(jobs, initializer=_init, initargs=(select,)) as pool:
                for result in pool.imap_unordered(_lint_job, jobs_list, chunksize=4):
                    take(result)
    cache.save(keep={f"{p}/{r}" for p, r in results})

    findings: List[Dict[str, Any]] = []
    not_analyzed: Dict[Tuple[str, str], Dict[str, Any]] = {}
    for per_code in results.values():
        for value in per_code.values():
            if isinstance(value, dict):
                skipped = value["ll000"]
                not_analyzed[(skipped["project"], skipped["path"])] = skipped
            else:
                findings.extend(value)
    findings.sort(key=finding_key)
    errors.sort()
    return {
        "projects": [{"name": t.name, **stats[t.name]} for t in sorted(tgts, key=lambda t: t.name)],
        "findings": findings,
        "not_analyzed": [not_analyzed[k] for k in sorted(not_analyzed)],
        "errors": errors,
    }


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
    ap.add_argument("--no-cache", action="store_true", help="ignore and do not write the result cache (bench/ecosystem/.cache)")
    ap.add_argument("--projects", type=Path, default=PROJECTS_TOML, help="the pinned projects (default: %(default)s)")
    ap.add_argument("--allow-missing", action="store_true", help="lint what is there even if pinned projects are missing")
    args = ap.parse_args(argv)

    corpus = args.corpus or default_corpus()
    select = tuple(s.strip().upper() for s in args.select.split(",") if s.strip()) if args.select else None
    tgts, missing = targets(corpus, args.projects, stdlib=not args.no_stdlib, only=args.only)
    if missing and not args.allow_missing and not args.only:
        print(f"missing from {corpus}: {', '.join(missing)}\nrun: python bench/ecosystem/fetch.py --projects {args.projects} --dest {corpus}", file=sys.stderr)
        return 2
    codes = enabled_codes(select)
    t0 = time.perf_counter()
    doc = lint_targets(tgts, select, args.jobs, cache_dir=None if args.no_cache else CACHE_DIR)
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
    import leaklint

    print(
        f"leaklint from {Path(leaklint.__file__).resolve().parent} with each project's lifetime model: "
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
