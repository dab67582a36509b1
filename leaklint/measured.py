"""Each rule's figures on real code, for its docs page and `--explain`: precision on the
ecosystem corpus and recall on the leak-fix corpus.

The figures come from the benchmarks' committed results, never from a claim in a docstring:
`bench/ecosystem/findings.json` (the default configuration's findings on 20 projects and the
standard library) with `bench/ecosystem/labels/LLxxx.json` (every default finding read and
labelled `tp` / `fp`; opt-in rules keep the labels of the runs that selected them), and
`bench/leakfixes/results.json` (per released leak fix: which tool found it within two lines of
the leaky line, and whether the fixed version's place is clean). `python -m leaklint.docs`
condenses them into `leaklint/measured.json`, shipped with the package like the catalogue, so
an installed leaklint prints the same page as the repository; `--check` fails when the file no
longer matches the benchmarks' results.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

PACKAGE_FILE = Path(__file__).resolve().parent / "measured.json"
REPO = Path(__file__).resolve().parent.parent
ECOSYSTEM = REPO / "bench" / "ecosystem"
LEAKFIXES = REPO / "bench" / "leakfixes"


def from_bench(ecosystem: Path = ECOSYSTEM, leakfixes: Path = LEAKFIXES) -> Optional[Dict[str, Any]]:
    """The figures of every rule with any, from the benchmarks' files; None when they are not
    there (an installed package, a checkout without bench/)."""
    findings_file = ecosystem / "findings.json"
    results_file = leakfixes / "results.json"
    if not findings_file.is_file() or not results_file.is_file():
        return None
    findings = json.loads(findings_file.read_text(encoding="utf-8"))
    results = json.loads(results_file.read_text(encoding="utf-8"))
    labels: Dict[str, List[Dict[str, Any]]] = {}
    for path in sorted((ecosystem / "labels").glob("LL*.json")):
        labels[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    out: Dict[str, Any] = {}
    default_rules = set(findings.get("rules", []))
    # the default findings against their labels, read as bench/ecosystem/report.py reads them
    # (a label belongs to a finding by project and fingerprint)
    report = _ecosystem_report()
    rows = report.compute(findings, report.load_labels(ecosystem / "labels"))
    counts = {row["code"]: {"findings": row["findings"], "tp": row["tp"], "fp": row["fp"]} for row in rows}
    for code in sorted(default_rules | set(counts) | set(labels)):
        entry: Dict[str, Any] = {}
        if code in default_rules:
            entry["ecosystem_default"] = counts.get(code, {"findings": 0, "tp": 0, "fp": 0})
        elif code in labels:
            read = labels[code]
            entry["ecosystem_labelled"] = {
                "read": len(read),
                "tp": sum(1 for e in read if e["label"] == "tp"),
            }
        out[code] = entry
    cases = results.get("cases", {})
    for config, key in (("leaklint-default", "leakfixes_default"), ("leaklint-all", "leakfixes_all"), ("leaklint-every-form", "leakfixes_every_form")):
        for case in cases.values():
            result = case.get(config) or {}
            for code in {f["code"] for f in result.get("leaky", [])}:
                row = out.setdefault(code, {}).setdefault(key, {"found": 0, "fixed_flagged": 0})
                row["found"] += 1
            for code in {f["code"] for f in result.get("fixed", [])}:
                row = out.setdefault(code, {}).setdefault(key, {"found": 0, "fixed_flagged": 0})
                row["fixed_flagged"] += 1
    projects = [p for p in findings.get("projects", []) if not str(p.get("name", "")).startswith("stdlib")]
    every_form_row = any("leaklint-every-form" in case for case in cases.values())
    return {"ecosystem_projects": len(projects), "leakfixes_cases": len(cases), "every_form_row": every_form_row, "rules": out}


def _ecosystem_report() -> Any:
    """bench/ecosystem/report.py of this checkout, loaded from its file (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("_leaklint_ecosystem_report", ECOSYSTEM / "report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def render(payload: Dict[str, Any]) -> str:
    return json.dumps(payload, indent=1, sort_keys=True) + "\n"


def load() -> Dict[str, Any]:
    """The shipped figures ({} when the file is missing)."""
    if not PACKAGE_FILE.is_file():
        return {}
    return json.loads(PACKAGE_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def describe(code: str, default_enabled: bool, payload: Optional[Dict[str, Any]] = None) -> str:
    """The paragraph a rule's page shows under "On real code" ("" when nothing was measured)."""
    payload = load() if payload is None else payload
    if not payload:
        return ""
    entry = payload.get("rules", {}).get(code) or {}
    cases = payload.get("leakfixes_cases", 0)
    corpus = f"the ecosystem corpus ({payload.get('ecosystem_projects', 0)} pinned projects and the standard library)"
    lines: List[str] = []
    if "ecosystem_default" in entry:
        row = entry["ecosystem_default"]
        n, tp, fp = row["findings"], row["tp"], row["fp"]
        if n == 0:
            lines.append(f"- Precision: no finding with the default configuration on {corpus}.")
        else:
            rate = f" ({100 * tp / (tp + fp):.0f}%)" if tp + fp else ""
            unlabelled = n - tp - fp
            extra = f"; {unlabelled} not labelled" if unlabelled else ""
            lines.append(f"- Precision: {n} finding(s) with the default configuration on {corpus}, {tp} real{rate}{extra}.")
    elif "ecosystem_labelled" in entry:
        row = entry["ecosystem_labelled"]
        read, tp = row["read"], row["tp"]
        rate = f" ({100 * tp / read:.0f}%)" if read else ""
        lines.append(
            f"- Precision (opt-in): {tp} real of {read} finding(s) read on {corpus} in runs that "
            f"selected it{rate}; labels are kept by fingerprint, so they may include findings of "
            "earlier versions of the rule."
        )
    else:
        lines.append(f"- Precision: no finding labelled on {corpus} yet (off by default).")
    recall = []
    rows = [("leakfixes_default", "by default"), ("leakfixes_all", "with `--select ALL`")]
    if payload.get("every_form_row"):
        rows.append(("leakfixes_every_form", "with every form option on"))
    for key, label in rows:
        row = entry.get(key)
        if key == "leakfixes_default" and not default_enabled:
            continue
        if row is None:
            recall.append(f"none {label}")
            continue
        flagged = row["fixed_flagged"]
        clean = "no fixed version flagged" if not flagged else f"{flagged} fixed version(s) still flagged"
        recall.append(f"{row['found']} {label} ({clean})")
    lines.append(
        f"- Recall on the leak-fix corpus ({cases} released leaks and their released fixes; found: "
        f"a finding within two lines of the leaky line): " + "; ".join(recall) + "."
    )
    return "\n".join(lines)
