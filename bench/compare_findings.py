"""Diff two `leaklint --format json` outputs by fingerprint: what a change added and removed.

    leaklint --select ALL --no-cache --format json /work/corpus > before.json
    ... change the code ...
    leaklint --select ALL --no-cache --format json /work/corpus > after.json
    python bench/compare_findings.py before.json after.json

A fingerprint names the file, the rule, the enclosing class / function and the flagged line's
text (not its number), so a refactor that keeps behaviour gives two identical sets. Findings
whose fingerprint is the same but whose message, confidence or column changed are listed as
"changed". `--codes LL401,LL402` compares only those rules' findings (a change to one rule family checked
against a run of every rule). Exit status: 0 when nothing differs, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any, Dict, List, Sequence, Tuple

# what, besides the fingerprint, must stay the same for a finding to count as unchanged
COMPARED = ("code", "message", "confidence", "column", "end_line", "end_column")


def load(path: str) -> Dict[str, Dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if isinstance(data, dict):  # tolerate an object wrapping the list
        data = data.get("findings", data.get("results", []))
    out: Dict[str, Dict[str, Any]] = {}
    for finding in data:
        key = finding.get("fingerprint") or "{path}:{line}:{column}:{code}".format(**finding)
        out[key] = finding
    return out


def _line(f: Dict[str, Any]) -> str:
    return f"{f.get('path')}:{f.get('line')}:{f.get('column')}: {f.get('code')} [{f.get('confidence')}] {f.get('message')}"


def compare(before: Dict[str, Dict[str, Any]], after: Dict[str, Dict[str, Any]]) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]], List[Tuple[Dict[str, Any], Dict[str, Any]]]]:
    removed = [before[k] for k in before.keys() - after.keys()]
    added = [after[k] for k in after.keys() - before.keys()]
    changed = []
    for k in before.keys() & after.keys():
        a, b = before[k], after[k]
        if any(a.get(field) != b.get(field) for field in COMPARED):
            changed.append((a, b))
    order = lambda f: (f.get("path", ""), f.get("line", 0), f.get("code", ""))  # noqa: E731
    removed.sort(key=order)
    added.sort(key=order)
    changed.sort(key=lambda pair: order(pair[0]))
    return removed, added, changed


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--quiet", action="store_true", help="counts only")
    parser.add_argument("--codes", default="", help="compare only these rule codes (comma-separated), e.g. LL401,LL402")
    args = parser.parse_args(list(argv) or None)
    before, after = load(args.before), load(args.after)
    if args.codes:
        codes = {c.strip() for c in args.codes.split(",") if c.strip()}
        before = {k: f for k, f in before.items() if f.get("code") in codes}
        after = {k: f for k, f in after.items() if f.get("code") in codes}
    removed, added, changed = compare(before, after)
    by_code = lambda fs: ", ".join(f"{c} {n}" for c, n in sorted(Counter(f["code"] for f in fs).items()))  # noqa: E731
    print(f"before: {len(before)} findings ({by_code(before.values())})")
    print(f"after:  {len(after)} findings ({by_code(after.values())})")
    print(f"removed {len(removed)}, added {len(added)}, changed {len(changed)}")
    if not args.quiet:
        for f in removed:
            print("- " + _line(f))
        for f in added:
            print("+ " + _line(f))
        for a, b in changed:
            print("~ " + _line(a))
            print("  " + _line(b))
    return 1 if removed or added or changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
