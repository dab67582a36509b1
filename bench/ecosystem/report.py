#!/usr/bin/env python
"""Precision of each rule on the labelled ecosystem corpus.

    python bench/ecosystem/report.py [--markdown] [--check]

Reads findings.json (run.py) and labels/*.json (label.py). Precision = tp / (tp + fp) over the
current findings that carry a label; unlabelled findings are counted separately. Each
default-enabled rule must reach 80% precision (RULE_THRESHOLD) and the default output as a whole
90% (OVERALL_THRESHOLD); what falls short is listed. With --check the exit status is 1 when any
finding is unlabelled or a threshold is missed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import FINDINGS_JSON, LABELS_DIR, entry_id, load_labels, read_json  # noqa: E402

RULE_THRESHOLD = 0.80
OVERALL_THRESHOLD = 0.90


def rule_info() -> Dict[str, Any]:
    from leaklint.registry import all_rules

    return {r.code: r for r in all_rules()}


def compute(doc: Dict[str, Any], labels: Dict[str, Dict[str, Any]]) -> List[Dict[str, Any]]:
    rules = rule_info()
    codes = sorted(set(doc.get("rules", [])) | {f["code"] for f in doc["findings"]})
    rows: Dict[str, Dict[str, Any]] = {}
    for code in codes:
        rule = rules.get(code)
        rows[code] = {
            "code": code,
            "name": rule.name if rule else "?",
            "default": bool(rule.default_enabled) if rule else False,
            "findings": 0,
            "tp": 0,
            "fp": 0,
            "unlabelled": 0,
        }
    for f in doc["findings"]:
        row = rows[f["code"]]
        row["findings"] += 1
        e = labels.get(entry_id(f))
        row[e["label"] if e else "unlabelled"] += 1
    out = list(rows.values())
    for row in out:
        judged = row["tp"] + row["fp"]
        row["precision"] = row["tp"] / judged if judged else None
    return out


def _pct(p: Optional[float]) -> str:
    return "n/a" if p is None else f"{100 * p:.1f}%"


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--findings", type=Path, default=FINDINGS_JSON, help=argparse.SUPPRESS)
    ap.add_argument("--labels", type=Path, default=LABELS_DIR, help=argparse.SUPPRESS)
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table (for the README)")
    ap.add_argument("--check", action="store_true", help="exit 1 on unlabelled findings, a default rule below 80%% or all default findings below 90%%")
    args = ap.parse_args(argv)
    doc = read_json(args.findings)
    if doc is None:
        raise SystemExit(f"{args.findings} not found: run python bench/ecosystem/run.py first")
    rows = compute(doc, load_labels(args.labels))
    total = {k: sum(r[k] for r in rows) for k in ("findings", "tp", "fp", "unlabelled")}
    judged = total["tp"] + total["fp"]
    overall = total["tp"] / judged if judged else None
    below = [r for r in rows if r["default"] and r["precision"] is not None and r["precision"] < RULE_THRESHOLD]
    short = overall is not None and overall < OVERALL_THRESHOLD
    files = sum(p["files"] for p in doc["projects"])
    lines = sum(p["lines"] for p in doc["projects"])
    corpus = f"{len(doc['projects'])} projects ({', '.join(p['name'] for p in doc['projects'])}), {files} files, {lines} lines"

    if args.markdown:
        print(f"Corpus: {corpus}.\n")
        print("| rule | name | default | findings | tp | fp | unlabelled | precision |")
        print("|---|---|---|---:|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {r['code']} | {r['name']} | {'yes' if r['default'] else 'no'} | {r['findings']} | {r['tp']} | {r['fp']} | {r['unlabelled']} | {_pct(r['precision'])} |")
        print(f"| **all** | | | {total['findings']} | {total['tp']} | {total['fp']} | {total['unlabelled']} | {_pct(overall)} |")
        print()
        if below:
            print("Default-enabled rules below 80% precision: " + ", ".join(f"{r['code']} ({_pct(r['precision'])})" for r in below) + ".")
        else:
            print("No default-enabled rule is below 80% precision.")
        print(f"All default findings: {_pct(overall)} precision ({'below' if short else 'at or above'} 90%).")
    else:
        print(f"corpus: {corpus}")
        print(f"{'rule':7} {'name':34} {'default':7} {'findings':>8} {'tp':>5} {'fp':>5} {'unlab.':>6} {'precision':>9}")
        for r in rows:
            print(f"{r['code']:7} {r['name'][:34]:34} {'yes' if r['default'] else 'no':7} {r['findings']:8d} {r['tp']:5d} {r['fp']:5d} {r['unlabelled']:6d} {_pct(r['precision']):>9}")
        print(f"{'all':7} {'':34} {'':7} {total['findings']:8d} {total['tp']:5d} {total['fp']:5d} {total['unlabelled']:6d} {_pct(overall):>9}")
        if below:
            print("default-enabled rules below 80% precision: " + ", ".join(f"{r['code']} {_pct(r['precision'])}" for r in below))
        else:
            print("no default-enabled rule below 80% precision")
        print(f"all default findings: {_pct(overall)} precision ({'below' if short else 'at or above'} 90%)")
        if doc.get("errors"):
            print(f"{len(doc['errors'])} internal error(s) in the last run (see findings.json 'errors')")
    if args.check and (below or short or total["unlabelled"] or doc.get("errors")):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
