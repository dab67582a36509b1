"""The ecosystem check as a regression guard (like ruff's ecosystem check).

Reruns leaklint (default-enabled rules) over the fetched corpus of bench/ecosystem and compares
the findings with the labels in bench/ecosystem/labels/: any new unlabelled finding, any lost
`tp` and any crash inside a rule fails. Skipped when the corpus is absent; fetch it with
`python bench/ecosystem/fetch.py` (or point LEAKLINT_CORPUS at a fetched copy). The standard
library is part of the check only on the Python version of projects.toml's [target], where its
findings were labelled. LEAKLINT_JOBS sets the number of worker processes (default 2).

The label files themselves are checked on every run, corpus or not.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "ecosystem"
sys.path.insert(0, str(BENCH))

import _common  # noqa: E402


def test_label_files_are_well_formed() -> None:
    seen: Dict[str, str] = {}
    for file in sorted(_common.LABELS_DIR.glob("*.json")):
        entries = json.loads(file.read_text(encoding="utf-8"))
        assert isinstance(entries, list) and entries, f"{file.name}: a non-empty list"
        assert entries == sorted(entries, key=_common.label_key), f"{file.name}: not sorted (write it with label.py)"
        for e in entries:
            where = f"{file.name}: {e.get('project')}/{e.get('path')}:{e.get('line')}"
            assert tuple(e) == _common.LABEL_KEYS, f"{where}: keys must be {_common.LABEL_KEYS}"
            assert e["code"] == file.stem, f"{where}: code {e['code']} in the file of {file.stem}"
            assert e["label"] in ("tp", "fp"), f"{where}: label must be tp or fp"
            assert e["reason"].strip() and "\n" not in e["reason"], f"{where}: one-line reason required"
            key = _common.entry_id(e)
            assert key not in seen, f"{where}: labelled twice ({seen[key]})"
            seen[key] = file.name


def _corpus() -> Path:
    return _common.default_corpus()


@pytest.fixture(scope="module")
def current() -> Dict[str, Any]:
    import run  # bench/ecosystem/run.py

    corpus = _corpus()
    if not corpus.is_dir():
        pytest.skip(f"ecosystem corpus absent ({corpus}); fetch it with python bench/ecosystem/fetch.py")
    target = _common.load_projects().get("target", {})
    with_stdlib = target.get("python-version") == "%d.%d" % sys.version_info[:2]
    tgts, missing = run.targets(corpus, stdlib=with_stdlib)
    if missing:
        pytest.skip(f"ecosystem corpus incomplete, missing {', '.join(missing)}; run python bench/ecosystem/fetch.py")
    doc = run.lint_targets(tgts, select=None, jobs=int(os.environ.get("LEAKLINT_JOBS", "2")))
    doc["rules"] = run.enabled_codes(None)
    return doc


def _show(entries: Any, limit: int = 40) -> str:
    lines = [f"  {e['project']}/{e['path']}:{e['line']} {e['code']} {e['fingerprint']} {e['message']}" for e in list(entries)[:limit]]
    if len(entries) > limit:
        lines.append(f"  ... and {len(entries) - limit} more")
    return "\n".join(lines)


@pytest.mark.ecosystem
def test_no_internal_errors(current: Dict[str, Any]) -> None:
    assert not current["errors"], "leaklint crashed on real code:\n" + "\n".join(current["errors"][:20])


@pytest.mark.ecosystem
def test_no_unlabelled_findings(current: Dict[str, Any]) -> None:
    labels = _common.load_labels()
    new = [f for f in current["findings"] if _common.entry_id(f) not in labels]
    assert not new, (
        f"{len(new)} new unlabelled finding(s) on the ecosystem corpus; review them with\n"
        "  python bench/ecosystem/run.py && python bench/ecosystem/label.py pending --context 5\n"
        "and label each (label.py add --fingerprint F --tp|--fp --reason ...), or fix the rule:\n" + _show(new)
    )


@pytest.mark.ecosystem
def test_no_lost_true_positives(current: Dict[str, Any]) -> None:
    found = {_common.entry_id(f) for f in current["findings"]}
    rules = set(current["rules"])
    scanned = {p["name"] for p in current["projects"]}
    bases = {_common.project_base(n) for n in scanned}
    lost = [
        e
        for e in _common.load_labels().values()
        if e["label"] == "tp"
        and e["code"] in rules
        and _common.project_base(e["project"]) in bases
        and (_common.project_base(e["project"]) != "stdlib" or e["project"] in scanned)
        and _common.entry_id(e) not in found
    ]
    lost.sort(key=_common.label_key)
    assert not lost, (
        f"{len(lost)} labelled true positive(s) no longer reported; if that is intended (the code "
        "changed, or the finding moved), rerun run.py and label.py prune:\n" + _show(lost)
    )


# ------------------------------------------------------------------ the machinery, on a tiny corpus
LEAKY = '''import functools


class Client:
    @functools.lru_cache(maxsize=None)
    def lookup(self, key):
        return key
'''


def test_run_label_report_on_a_tiny_corpus(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import label
    import report
    import run

    toml = tmp_path / "projects.toml"
    toml.write_text('[[project]]\nname = "demo"\nversion = "1.0"\nkind = "test"\n')
    corpus = tmp_path / "corpus"
    pkg = corpus / "demo-1.0" / "demo"
    pkg.mkdir(parents=True)
    (pkg / "client.py").write_text(LEAKY)
    (pkg / "broken.py").write_text("def cache(:\n")
    (pkg / "clean.py").write_text("x = 1\n")

    tgts, missing = run.targets(corpus, toml, stdlib=False)
    assert missing == [] and [t.name for t in tgts] == ["demo-1.0"]
    cache = tmp_path / "cache"
    first = run.lint_targets(tgts, ("LL103",), jobs=1, cache_dir=cache)
    again = run.lint_targets(tgts, ("LL103",), jobs=2, cache_dir=cache)
    uncached = run.lint_targets(tgts, ("LL103",), jobs=1, cache_dir=None)
    assert first == again == uncached
    assert first["projects"] == [{"name": "demo-1.0", "files": 3, "lines": 9}]
    assert [(f["project"], f["path"], f["line"], f["code"]) for f in first["findings"]] == [("demo-1.0", "demo/client.py", 6, "LL103")]
    assert [(s["path"], s["reason"].split(":")[0]) for s in first["not_analyzed"]] == [("demo/broken.py", "syntax error")]
    # the fingerprint does not depend on where the corpus is
    moved = tmp_path / "elsewhere"
    (corpus).rename(moved)
    tgts2, _ = run.targets(moved, toml, stdlib=False)
    assert run.lint_targets(tgts2, ("LL103",), jobs=1, cache_dir=None)["findings"] == first["findings"]

    findings = tmp_path / "findings.json"
    labels = tmp_path / "labels"
    _common.write_json(findings, {"rules": ["LL103"], **first})
    fp = first["findings"][0]["fingerprint"]
    common = ["--findings", str(findings), "--labels", str(labels)]
    assert label.main([*common, "pending"]) == 0
    assert fp in capsys.readouterr().out
    assert label.main([*common, "add", "--fingerprint", fp[:8], "--tp", "--reason", "unbounded, keyed on self"]) == 0
    entries = json.loads((labels / "LL103.json").read_text())
    assert [(e["path"], e["label"], e["reason"]) for e in entries] == [("demo/client.py", "tp", "unbounded, keyed on self")]
    assert tuple(entries[0]) == _common.LABEL_KEYS
    capsys.readouterr()
    assert report.main([*common, "--check"]) == 0
    assert "100.0%" in capsys.readouterr().out
    # the finding vanishes: prune drops its label
    _common.write_json(findings, {"rules": ["LL103"], **first, "findings": []})
    assert label.main([*common, "prune"]) == 0
    assert not (labels / "LL103.json").exists()
