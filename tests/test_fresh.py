"""The fresh precision sample (bench/fresh): its pin list, its label files, and run.py's
--projects option it relies on.

The sample itself (10 PyPI projects nobody tuned leaklint for) is not re-linted here: its corpus
is not fetched in CI and its findings are a measurement, not a regression guard. What is checked:
the pin list keeps its promise (10 projects, pinned, none in the ecosystem corpus or the recall
corpus), every finding of the committed runs carries a label with a reason, and no label is
orphaned. Opt-in runs (optin-*.json: every rule, or rule options that are off by default, read ahead of
what a branch may turn on) are labelled as well; every label must match a finding of some run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "ecosystem"
FRESH = ROOT / "bench" / "fresh"
sys.path.insert(0, str(BENCH))

import _common  # noqa: E402


def _fresh_projects():
    return _common.load_projects(FRESH / "projects.toml")


def test_fresh_projects_are_pinned_and_new() -> None:
    data = _fresh_projects()
    projects = data["project"]
    assert len(projects) == 10
    assert data["target"] == _common.load_projects(BENCH / "projects.toml")["target"]
    for p in projects:
        assert len(p.get("sha256", "")) == 64 and p.get("kind"), p
    names = {p["name"].lower() for p in projects}
    ecosystem = {p["name"].lower() for p in _common.load_projects(BENCH / "projects.toml")["project"]}
    recall = set()
    for case in (ROOT / "bench" / "leakfixes" / "cases").glob("*.toml"):
        for c in _common.load_toml(case).get("case", []):
            recall.add(c["project"].lower())
    assert recall, "no recall cases found"
    assert not names & ecosystem
    assert not names & recall


def _runs(pattern: str = "findings-*.json"):
    runs = sorted(FRESH.glob(pattern))
    assert runs, f"no {pattern} in bench/fresh"
    return [_common.read_json(p) for p in runs]


def test_every_fresh_finding_is_labelled() -> None:
    labels = _common.load_labels(FRESH / "labels")
    fresh = {_common.project_dirname(p) for p in _fresh_projects()["project"]}
    for doc in _runs() + _runs("optin-*.json"):
        assert not doc["errors"]
        assert {p["name"] for p in doc["projects"]} == fresh
        for f in doc["findings"]:
            e = labels.get(_common.entry_id(f))
            assert e is not None, f"unlabelled: {f['project']}/{f['path']}:{f['line']} {f['code']} {f['fingerprint']}"
            assert e["code"] == f["code"]


def test_fresh_labels_are_well_formed_and_used() -> None:
    # default runs (findings-*.json) and opt-in runs read ahead of a promotion (optin-*.json)
    found = {_common.entry_id(f) for doc in _runs() + _runs("optin-*.json") for f in doc["findings"]}
    files = sorted((FRESH / "labels").glob("LL*.json"))
    assert files
    for path in files:
        entries = json.loads(path.read_text())
        assert entries == sorted(entries, key=_common.label_key), path
        for e in entries:
            assert tuple(e) == _common.LABEL_KEYS
            assert e["code"] == path.stem
            assert e["label"] in ("tp", "fp") and e["reason"].strip()
            assert _common.entry_id(e) in found, f"label without a finding in any run: {e}"


LEAKY = '''import functools


class Client:
    @functools.lru_cache(maxsize=None)
    def lookup(self, key):
        return key
'''


def test_run_reads_another_projects_file(tmp_path: Path) -> None:
    import run

    toml = tmp_path / "other.toml"
    toml.write_text('[[project]]\nname = "demo"\nversion = "1.0"\nkind = "test"\n')
    corpus = tmp_path / "corpus"
    (corpus / "demo-1.0" / "demo").mkdir(parents=True)
    (corpus / "demo-1.0" / "demo" / "client.py").write_text(LEAKY)
    base = ["--projects", str(toml), "--corpus", str(corpus), "--no-stdlib", "--select", "LL103", "--jobs", "1"]
    out = tmp_path / "findings.json"
    assert run.main([*base, "--no-cache", "-o", str(out)]) == 0
    doc = _common.read_json(out)
    assert [p["name"] for p in doc["projects"]] == ["demo-1.0"]
    assert [(f["path"], f["line"], f["code"]) for f in doc["findings"]] == [("demo/client.py", 6, "LL103")]
    # without its own projects file the same corpus misses every ecosystem project
    assert run.main(["--corpus", str(corpus), "--no-stdlib", "--select", "LL103", "-o", str(tmp_path / "x.json")]) == 2


BOUNDED = '''import functools


class Client:
    @functools.lru_cache(maxsize=32)
    def lookup(self, key):
        return key
'''


def test_cli_run_applies_the_config_and_keeps_run_py_fingerprints(tmp_path: Path) -> None:
    sys.path.insert(0, str(FRESH))
    import cli_run
    import run

    toml = tmp_path / "projects.toml"
    toml.write_text('[[project]]\nname = "demo"\nversion = "1.0"\nkind = "test"\n')
    corpus = tmp_path / "corpus"
    (corpus / "demo-1.0" / "demo").mkdir(parents=True)
    (corpus / "demo-1.0" / "demo" / "client.py").write_text(LEAKY)
    (corpus / "demo-1.0" / "demo" / "bounded.py").write_text(BOUNDED)
    tgts, _ = run.targets(corpus, toml, stdlib=False)
    plain = run.lint_targets(tgts, ("LL103",), jobs=1, cache_dir=None)["findings"]
    assert [f["path"] for f in plain] == ["demo/client.py"]  # bounded caches are off by default
    cfg = tmp_path / "opts.toml"
    cfg.write_text('[tool.leaklint]\nselect = ["LL103"]\n\n[tool.leaklint.cached-instance-method]\ninclude-bounded = true\n')
    out = tmp_path / "out.json"
    assert cli_run.main(["--config", str(cfg), "--corpus", str(corpus), "--projects", str(toml), "-o", str(out)]) == 0
    doc = _common.read_json(out)
    assert doc["rules"] == ["LL103"] and doc["projects"] == [{"name": "demo-1.0"}]
    assert sorted(f["path"] for f in doc["findings"]) == ["demo/bounded.py", "demo/client.py"]
    # the same finding has the same fingerprint through the CLI as through run.py
    assert [f["fingerprint"] for f in doc["findings"] if f["path"] == "demo/client.py"] == [plain[0]["fingerprint"]]
