#!/usr/bin/env python
"""Label the ecosystem findings: one file per rule, bench/ecosystem/labels/LLxxx.json.

    python bench/ecosystem/label.py pending [--code LL103] [--project django] [--context 3] [--corpus DIR]
    python bench/ecosystem/label.py add --fingerprint F [F ...] (--tp | --fp) --reason "one line"
    python bench/ecosystem/label.py prune [--code LL103]
    python bench/ecosystem/label.py stats

A label says whether a finding of findings.json (run.py's output) is a real leak risk a
maintainer would want to hear about (`tp`) or not (`fp`), with a one-line reason. Findings are
matched to labels by project name (without version) and fingerprint, never by line number.
`add` accepts a unique prefix of a fingerprint; `--project` disambiguates. `prune` drops the
labels whose finding is gone from findings.json (only for the rules and projects findings.json
covers) and refreshes the line / message / project version of the others.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    FINDINGS_JSON,
    LABELS_DIR,
    default_corpus,
    entry_id,
    load_labels,
    project_base,
    read_json,
    read_rule_labels,
    stdlib_name,
    stdlib_path,
    write_rule_labels,
)


def load_findings(path: Path) -> Dict[str, Any]:
    doc = read_json(path)
    if doc is None:
        raise SystemExit(f"{path} not found: run python bench/ecosystem/run.py first")
    return doc


def source_root(project: str, corpus: Path) -> Path:
    if project_base(project) == "stdlib":
        if project != stdlib_name():
            return Path("/nonexistent")
        return stdlib_path()
    return corpus / project


def show_context(f: Dict[str, Any], corpus: Path, n: int) -> None:
    path = source_root(f["project"], corpus) / f["path"]
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        print(f"      (source not available: {exc})")
        return
    lo, hi = max(1, f["line"] - n), min(len(lines), f["line"] + n)
    for i in range(lo, hi + 1):
        mark = ">" if i == f["line"] else " "
        print(f"    {mark}{i:6d} | {lines[i - 1]}")


def cmd_pending(args: argparse.Namespace) -> int:
    doc = load_findings(args.findings)
    labels = load_labels(args.labels)
    corpus = args.corpus or default_corpus()
    pending = [
        f
        for f in doc["findings"]
        if entry_id(f) not in labels
        and (not args.code or any(f["code"].startswith(c) for c in args.code))
        and (not args.project or project_base(f["project"]) in args.project or f["project"] in args.project)
    ]
    for f in pending:
        print(f"{f['fingerprint']}  {f['project']}/{f['path']}:{f['line']}:{f['column']}  {f['code']} [{f['confidence']}] {f['message']}")
        if args.context:
            show_context(f, corpus, args.context)
            print()
    print(f"{len(pending)} unlabelled finding(s)", file=sys.stderr)
    return 0


def _find(doc: Dict[str, Any], fp: str, project: Optional[str]) -> Dict[str, Any]:
    matches = [
        f
        for f in doc["findings"]
        if f["fingerprint"].startswith(fp) and (not project or project in (f["project"], project_base(f["project"])))
    ]
    exact = [f for f in matches if f["fingerprint"] == fp]
    if len(exact) == 1:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise SystemExit(f"no finding with fingerprint {fp}" + (f" in {project}" if project else "") + " in findings.json")
    where = ", ".join(f"{f['project']}/{f['path']}:{f['line']} {f['fingerprint']}" for f in matches[:5])
    raise SystemExit(f"fingerprint {fp} is ambiguous ({len(matches)} findings: {where}); give more of it or --project")


def cmd_add(args: argparse.Namespace) -> int:
    reason = " ".join(args.reason.split())
    if not reason:
        raise SystemExit("--reason must not be empty")
    doc = load_findings(args.findings)
    label = "tp" if args.tp else "fp"
    by_code: Dict[str, List[Dict[str, Any]]] = {}
    for fp in args.fingerprint:
        f = _find(doc, fp, args.project)
        by_code.setdefault(f["code"], []).append(f)
    for code, found in sorted(by_code.items()):
        entries = {entry_id(e): e for e in read_rule_labels(code, args.labels)}
        for f in found:
            old = entries.get(entry_id(f))
            entries[entry_id(f)] = {**{k: f[k] for k in ("project", "path", "line", "code", "message", "fingerprint")}, "label": label, "reason": reason}
            verb = "relabelled" if old else "labelled"
            print(f"{verb} {f['project']}/{f['path']}:{f['line']} {code} {label}: {reason}")
        write_rule_labels(code, list(entries.values()), args.labels)
    return 0


def cmd_prune(args: argparse.Namespace) -> int:
    doc = load_findings(args.findings)
    current = {entry_id(f): f for f in doc["findings"]}
    rules = set(doc.get("rules", []))
    projects = {project_base(p["name"]) for p in doc.get("projects", [])}
    stdlib = {p["name"] for p in doc.get("projects", []) if project_base(p["name"]) == "stdlib"}
    codes = sorted({p.stem for p in args.labels.glob("*.json")})
    dropped = kept = 0
    for code in codes:
        if args.code and not any(code.startswith(c) for c in args.code):
            continue
        out = []
        for e in read_rule_labels(code, args.labels):
            covered = code in rules and project_base(e["project"]) in projects
            if project_base(e["project"]) == "stdlib" and e["project"] not in stdlib:
                covered = False  # labelled on another Python version: leave it alone
            f = current.get(entry_id(e))
            if f is not None:
                e = {**e, "project": f["project"], "path": f["path"], "line": f["line"], "message": f["message"]}
            elif covered:
                dropped += 1
                print(f"dropped {e['project']}/{e['path']}:{e['line']} {code} {e['label']}: {e['reason']}")
                continue
            kept += 1
            out.append(e)
        write_rule_labels(code, out, args.labels)
    print(f"{dropped} label(s) dropped, {kept} kept", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    doc = load_findings(args.findings)
    labels = load_labels(args.labels)
    counts: Dict[str, Dict[str, int]] = {}
    for f in doc["findings"]:
        c = counts.setdefault(f["code"], {"tp": 0, "fp": 0, "pending": 0})
        e = labels.get(entry_id(f))
        c[e["label"] if e else "pending"] += 1
    for code, c in sorted(counts.items()):
        print(f"{code}: {c['tp']} tp, {c['fp']} fp, {c['pending']} pending")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--findings", type=Path, default=FINDINGS_JSON, help=argparse.SUPPRESS)
    ap.add_argument("--labels", type=Path, default=LABELS_DIR, help=argparse.SUPPRESS)
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("pending", help="list unlabelled findings")
    p.add_argument("--code", nargs="*", help="only these rule codes / prefixes")
    p.add_argument("--project", nargs="*", help="only these projects (name with or without version)")
    p.add_argument("--context", type=int, default=0, metavar="N", help="show N source lines around each finding")
    p.add_argument("--corpus", type=Path, default=None, help="fetched corpus, for --context")
    p.set_defaults(func=cmd_pending)

    p = sub.add_parser("add", help="record a label")
    p.add_argument("--fingerprint", "-f", nargs="+", required=True, help="fingerprint(s) or unique prefixes")
    p.add_argument("--project", help="disambiguate a fingerprint prefix")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--tp", action="store_true", help="a real leak risk a maintainer would want to hear about")
    g.add_argument("--fp", action="store_true", help="not a leak risk")
    p.add_argument("--reason", required=True, help="one line: why")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("prune", help="drop labels whose finding vanished from findings.json")
    p.add_argument("--code", nargs="*", help="only these rule codes / prefixes")
    p.set_defaults(func=cmd_prune)

    p = sub.add_parser("stats", help="tp / fp / pending per rule")
    p.set_defaults(func=cmd_stats)

    args = ap.parse_args(argv)
    if getattr(args, "code", None):
        args.code = [c.upper() for c in args.code]
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
