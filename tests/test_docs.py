import json
import subprocess
import sys
from pathlib import Path

import pytest

from leaklint import docs
from leaklint.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent


def test_committed_docs_match_generated() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "leaklint.docs", "--check", str(ROOT / "docs" / "rules")],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr


def test_check_detects_drift(tmp_path: Path) -> None:
    assert docs.main([str(tmp_path)]) == 0
    assert docs.main(["--check", str(tmp_path)]) == 0
    page = tmp_path / f"{all_rules()[0].code}.md"
    page.write_text(page.read_text() + "edited\n")
    assert docs.main(["--check", str(tmp_path)]) == 1
    (tmp_path / "LL999.md").write_text("old rule\n")
    assert docs.main([str(tmp_path)]) == 0
    assert not (tmp_path / "LL999.md").exists()


def test_every_page_has_mechanism_and_cases() -> None:
    for rule in all_rules():
        page = docs.render_rule(rule)
        assert "## Why is this bad?" in page and "## Example" in page and "## Not reported" in page
        assert rule.message.split("{")[0].strip() in page


def test_figures_on_real_code_come_from_the_benchmarks(tmp_path: Path) -> None:
    """The "On real code" paragraph is computed from the committed benchmark results: labels
    matched by fingerprint, leak-fix cases counted per code, fixed versions still flagged."""
    from leaklint import measured

    eco = tmp_path / "ecosystem"
    fixes = tmp_path / "leakfixes"
    (eco / "labels").mkdir(parents=True)
    fixes.mkdir()
    finding = lambda code, fp: {"project": "a-1", "code": code, "fingerprint": fp}  # noqa: E731
    (eco / "findings.json").write_text(json.dumps({
        "rules": ["LL401", "LL402"],
        "projects": [{"name": "a-1"}, {"name": "b-2"}, {"name": "stdlib-3.11"}],
        "findings": [finding("LL401", "f1"), finding("LL401", "f2"), finding("LL401", "f3")],
    }))
    label = lambda fp, verdict, project="a-1": {"project": project, "fingerprint": fp, "label": verdict}  # noqa: E731
    (eco / "labels" / "LL401.json").write_text(json.dumps([
        label("f1", "tp"), label("f2", "fp"), label("old", "tp"),
        label("f3", "tp", project="b-2"),  # the same fingerprint in another project is another finding
    ]))
    (eco / "labels" / "LL302.json").write_text(json.dumps([label("x", "tp"), label("y", "fp")]))
    case = lambda default, all_, fixed: {  # noqa: E731
        "leaklint-default": {"leaky": [{"code": c} for c in default], "fixed": []},
        "leaklint-all": {"leaky": [{"code": c} for c in all_], "fixed": [{"code": c} for c in fixed]},
    }
    (fixes / "results.json").write_text(json.dumps({"cases": {
        "one": case(["LL401", "LL401"], ["LL401", "LL302"], ["LL302"]),
        "two": case([], ["LL302"], []),
        "three": case([], [], []),
    }}))
    payload = measured.from_bench(eco, fixes)
    assert payload is not None
    assert payload["ecosystem_projects"] == 2 and payload["leakfixes_cases"] == 3
    rules = payload["rules"]
    assert rules["LL401"]["ecosystem_default"] == {"findings": 3, "tp": 1, "fp": 1}
    assert rules["LL402"]["ecosystem_default"] == {"findings": 0, "tp": 0, "fp": 0}
    assert rules["LL302"]["ecosystem_labelled"] == {"read": 2, "tp": 1}
    assert rules["LL401"]["leakfixes_default"] == {"found": 1, "fixed_flagged": 0}
    assert rules["LL302"]["leakfixes_all"] == {"found": 2, "fixed_flagged": 1}
    text = measured.describe("LL401", True, payload)
    assert "3 finding(s) with the default configuration" in text and "1 real (50%); 1 not labelled" in text
    assert "1 by default (no fixed version flagged)" in text
    opt_in = measured.describe("LL302", False, payload)
    assert "1 real of 2 finding(s) read" in opt_in
    assert "by default" not in opt_in and "2 with `--select ALL` (1 fixed version(s) still flagged)" in opt_in
    assert measured.from_bench(tmp_path / "missing", fixes) is None


def test_shipped_figures_match_the_benchmarks_results() -> None:
    from leaklint import measured

    figures = measured.from_bench()
    if figures is None:
        pytest.skip("no bench/ results in this checkout")
    assert measured.load() == figures, "run `python -m leaklint.docs`"
