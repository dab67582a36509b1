"""The leak-fix corpus (bench/leakfixes) as a regression guard on recall.

bench/leakfixes/expected.json records, for leaklint's default rules and for `--select ALL`,
which real leak fixes are found (a suitable finding within 2 lines of the leaky line) and which
fixed versions are clean. Against the fetched corpus, a found case that is no longer found, or a
clean fixed version that gets flagged, fails; improvements are reported as warnings. Skipped
when the corpus is absent: fetch it with `python bench/leakfixes/fetch.py` (or point
LEAKLINT_LEAKFIXES at a fetched copy). The manifest, the pins and expected.json are checked
against each other on every run, corpus or not; the scoring machinery is checked on a tiny
corpus written here.
"""

from __future__ import annotations

import json
import sys
import tarfile
import warnings
import zipfile
from pathlib import Path
from typing import Any, Dict, List

import pytest

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench" / "leakfixes"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "bench"))

import _fetch  # noqa: E402
import fetch  # noqa: E402  (bench/leakfixes/fetch.py)
import manifest  # noqa: E402
import score  # noqa: E402

from leaklint.registry import rule_by_code  # noqa: E402


# ------------------------------------------------------------------ manifest, pins, expected.json
def test_manifest_is_valid() -> None:
    cases, problems = manifest.parse_cases(manifest.case_files())
    assert not problems, "bench/leakfixes/cases/*.toml:\n" + "\n".join(problems)


def test_every_distribution_is_pinned() -> None:
    cases = manifest.load_cases()
    if not cases:
        pytest.skip("no case files in bench/leakfixes/cases")
    _, pins = fetch.load_pins()
    missing = [manifest.dist_dirname(p, v) + f" ({d})" for p, v, d in manifest.distributions(cases) if (p, v, d) not in pins]
    assert not missing, "not pinned in bench/leakfixes/dists.toml (run fetch.py --pin): " + ", ".join(missing)
    for pin in pins.values():
        assert len(pin["sha256"]) == 64 and pin["file"].endswith((".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"))


def test_expected_covers_the_manifest() -> None:
    cases = manifest.load_cases()
    if not cases:
        pytest.skip("no case files in bench/leakfixes/cases")
    expected = score.read_expected()
    ids = {c.id for c in cases}
    for config in ("default", "all"):
        recorded = set(expected[config])
        assert not recorded - ids, f"expected.json[{config}] names cases that no longer exist: {sorted(recorded - ids)}"
        # a new case must be recorded (fetch it and run score.py --write-expected), or the guard
        # would never hold leaklint to it
        assert not ids - recorded, f"cases missing from expected.json[{config}]: {sorted(ids - recorded)}"
    # ALL includes the default rules: a case the defaults find, ALL finds
    for cid, st in expected["default"].items():
        if st["found"] and cid in expected["all"]:
            assert expected["all"][cid]["found"], f"{cid}: found by the default rules but not by ALL"


# ------------------------------------------------------------------ the validator
GOOD = """
[[case]]
id = "demo-file-not-closed"
project = "Demo_Pkg"
family = "resource"
dist = "wheel"
leaky = { version = "1.0", file = "demo/io.py", line = 4 }
fixed = { version = "1.1", file = "demo/io.py", line = 5 }
reference = "https://example.org/demo/pull/1"
kept_alive = "The file object stayed open until the collector found it."
long_running = true
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    d = tmp_path / "cases"
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_text(text)
    return d


def test_validator_accepts_a_good_case_and_counts(tmp_path: Path) -> None:
    cases = manifest.load_cases(_write(tmp_path, "a.toml", GOOD), eco={})
    assert [(c.id, c.family, c.leaky.line, c.fixed.version) for c in cases] == [("demo-file-not-closed", "resource", 4, "1.1")]
    assert manifest.distributions(cases) == [("demo-pkg", "1.0", "wheel"), ("demo-pkg", "1.1", "wheel")]
    s = manifest.summary(cases)
    assert s["cases"] == 1 and s["projects"] == 1 and s["per_family"]["resource"] == 1
    assert s["meets"] == {"cases >= 80": False, "projects >= 40": False, "every family >= 6": False}
    assert "growth" in s["short_families"] and "resource" in s["short_families"]


@pytest.mark.parametrize(
    "change, message",
    [
        (('family = "resource"', 'family = "memory"'), "family must be one of"),
        (('dist = "wheel"', 'dist = "egg"'), "dist must be wheel or sdist"),
        (('version = "1.1"', 'version = "1.0"'), "leaky and fixed version are both 1.0"),
        (('reference = "https://example.org/demo/pull/1"', 'reference = "see the changelog"'), "followable http(s) URL"),
        (('id = "demo-file-not-closed"', 'id = "Demo_File"'), "kebab-case"),
        (('kept_alive = "The file object stayed open until the collector found it."\n', ""), "missing kept_alive"),
        (("line = 4", "line = 0"), "positive integer"),
        (('file = "demo/io.py", line = 4', 'file = "../io.py", line = 4'), "relative path to a .py file"),
        (("long_running = true", 'long_running = "yes"'), "long_running must be true or false"),
        (("long_running = true", "colour = 1"), "unknown key(s) colour"),
    ],
)
def test_validator_rejects(tmp_path: Path, change: Any, message: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(manifest.ManifestError) as info:
        manifest.load_cases(_write(tmp_path, "a.toml", GOOD.replace(old, new)), eco={})
    assert any(message in p for p in info.value.problems), info.value.problems


def test_validator_rejects_duplicates_ecosystem_versions_and_mixed_dists(tmp_path: Path) -> None:
    d = _write(tmp_path, "a.toml", GOOD)
    _write(tmp_path, "b.toml", GOOD.replace('dist = "wheel"', 'dist = "sdist"').replace("line = 4", "line = 9"))
    with pytest.raises(manifest.ManifestError) as info:
        manifest.load_cases(d, eco={"demo-pkg": "1.1"})
    problems = "\n".join(info.value.problems)
    assert "id demo-file-not-closed also in a.toml" in problems
    assert "Demo_Pkg 1.1 is the version pinned in bench/ecosystem/projects.toml" in problems
    # the real ecosystem pins are read from projects.toml
    assert manifest.ecosystem_pins().get("urllib3")


# ------------------------------------------------------------------ fetch pieces (no network)
def test_unpack_keeps_only_py_files(tmp_path: Path) -> None:
    whl = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(whl, "w") as zf:
        zf.writestr("demo/__init__.py", "x = 1\n")
        zf.writestr("demo/data.json", "{}")
        zf.writestr("../evil.py", "boom\n")
    out = tmp_path / "out"
    assert _fetch.unpack_py(whl, out) == 1
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["demo/__init__.py"]
    sdist = tmp_path / "demo-1.0.tar.gz"
    src = tmp_path / "src" / "demo-1.0" / "demo"
    src.mkdir(parents=True)
    (src / "io.py").write_text("y = 2\n")
    (src.parent / "setup.cfg").write_text("[metadata]\n")
    with tarfile.open(sdist, "w:gz") as tf:
        tf.add(src.parent, arcname="demo-1.0")
    out2 = tmp_path / "out2"
    assert _fetch.unpack_py(sdist, out2) == 1 and (out2 / "demo" / "io.py").read_text() == "y = 2\n"


def test_pins_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "dists.toml"
    pins = {("demo-pkg", "1.0", "wheel"): {"file": "demo_pkg-1.0-py3-none-any.whl", "sha256": "a" * 64},
            ("other", "2.0", "sdist"): {"file": "other-2.0.tar.gz", "sha256": "b" * 64}}
    fetch.write_pins(path, dict(fetch.DEFAULT_TARGET), pins)
    assert fetch.load_pins(path) == (fetch.DEFAULT_TARGET, pins)


def test_wheel_target_asks_for_the_pinned_wheel_again() -> None:
    t = fetch.DEFAULT_TARGET
    assert fetch.wheel_target("urllib3-1.26.8-py2.py3-none-any.whl", t) == t
    assert fetch.wheel_target("mpl-3.3.4-cp38-cp38-manylinux1_x86_64.whl", t) == {**t, "python-version": "3.8", "abi": "cp38"}
    assert fetch.wheel_target("x-1.0-cp37-cp37m-manylinux2010_x86_64.whl", t)["abi"] == "cp37m"
    assert fetch.wheel_target("x-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", t)["python-version"] == "3.10"
    assert fetch.wheel_target("x-1.0.tar.gz", t) == t
    # unpinned wheels: the target first, then older CPythons; sdists: just the target
    tries = fetch.targets_for(("x", "1.0", "wheel"), {}, t)
    assert tries[0] == t and [x["abi"] for x in tries[1:]] == [abi for _, abi in fetch.FALLBACK_PYTHONS]
    assert fetch.targets_for(("x", "1.0", "sdist"), {}, t) == [t]


def test_one_failing_download_does_not_stop_the_others() -> None:
    def work(item: str) -> str:
        if item == "bad":
            raise _fetch.FetchError("no such release")
        return item.upper()

    for jobs in (1, 3):
        got = {item: (result, str(exc) if exc else None) for item, result, exc in _fetch.run_parallel(["a", "bad", "c"], work, jobs)}
        assert got == {"a": ("A", None), "bad": (None, "no such release"), "c": ("C", None)}


def test_pip_env_ignores_local_mirrors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIP_FIND_LINKS", "/opt/wheels")
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "file:///mirror")
    env = _fetch.pip_env(pypi_only=True)
    assert "PIP_FIND_LINKS" not in env and "PIP_EXTRA_INDEX_URL" not in env
    assert env["PIP_CONFIG_FILE"] == __import__("os").devnull
    assert _fetch.pip_env(pypi_only=False)["PIP_FIND_LINKS"] == "/opt/wheels"


# ------------------------------------------------------------------ scoring and the guard, on a tiny corpus
LEAKY = """import json


def load(path):
    return json.load(open(path))
"""
FIXED = """import json


def load(path):
    with open(path) as fh:
        return json.load(fh)
"""


def _tiny(tmp_path: Path, fixed: str = FIXED) -> Any:
    cases_dir = _write(tmp_path, "a.toml", GOOD.replace("line = 4", "line = 5").replace("line = 5 }\nreference", "line = 6 }\nreference"))
    corpus = tmp_path / "corpus"
    for version, text in (("1.0", LEAKY), ("1.1", fixed)):
        root = corpus / f"demo-pkg-{version}"
        (root / "demo").mkdir(parents=True)
        (root / "demo" / "io.py").write_text(text)
        (root / _fetch.MARKER).write_text("{}")
    return manifest.load_cases(cases_dir, eco={}), corpus


def test_scoring_on_a_tiny_corpus(tmp_path: Path) -> None:
    cases, corpus = _tiny(tmp_path)
    assert (cases[0].leaky.line, cases[0].fixed.line) == (5, 6)
    usable, problems, unfetched = score.usable(cases, corpus)
    assert usable == cases and not problems and not unfetched
    scores, errors = score.leaklint_scores(cases, corpus)
    assert not errors
    s = scores["demo-file-not-closed"]
    assert s["leaklint-default"]["found"] and s["leaklint-default"]["clean"]
    assert [f["code"] for f in s["leaklint-default"]["leaky"]] == ["LL402"]
    tab = score.table(cases, scores, ["leaklint-default", "leaklint-all"], {})
    assert tab["rows"][0]["found"]["resource"] == 1 and tab["rows"][0]["found_clean"] == 1
    md = score.markdown(tab, [])
    assert "| leaklint (default rules) |" in md and "**1/1 (100%)**" in md
    # a fixed version that still leaks is not clean
    cases2, corpus2 = _tiny(tmp_path / "dirty", fixed=LEAKY + "\n")
    s2, _ = score.leaklint_scores(cases2, corpus2)
    assert not s2["demo-file-not-closed"]["leaklint-default"]["clean"]


def test_suitable_codes_and_window() -> None:
    assert score.suitable("LL402", "resource") and score.suitable("LL108", "growth")
    assert score.suitable("SIM115", "library") and score.suitable("consider-using-with", "resource")
    assert score.suitable("B019", "cycle") and score.suitable("LL103", "cycle")
    assert not score.suitable("LL402", "growth") and not score.suitable("B023", "resource")
    findings = [{"line": 10, "code": "LL401"}, {"line": 13, "code": "LL401"}, {"line": 9, "code": "LL101"}]
    assert score.near(findings, 11, "resource") == [findings[0], findings[1]]
    assert score.near(findings, 16, "resource") == []


def test_check_files_reports_missing_files_and_lines(tmp_path: Path) -> None:
    cases, corpus = _tiny(tmp_path)
    (corpus / "demo-pkg-1.1" / "demo" / "io.py").write_text("x = 1\n")
    problems, unfetched = manifest.check_files(cases, corpus)
    assert problems == {"demo-file-not-closed": ["fixed line 6 is past the end of demo-pkg-1.1/demo/io.py (1 lines)"]}
    (corpus / "demo-pkg-1.1" / "demo" / "io.py").unlink()
    problems, _ = manifest.check_files(cases, corpus)
    assert problems == {"demo-file-not-closed": ["fixed file demo/io.py is not in demo-pkg-1.1"]}
    (corpus / "demo-pkg-1.0" / _fetch.MARKER).unlink()
    assert manifest.check_files(cases, corpus) == ({}, ["demo-file-not-closed"])


def _break(monkeypatch: pytest.MonkeyPatch, codes: List[str]) -> None:
    """Make the rules of `codes` report nothing."""
    for code in codes:
        rule = rule_by_code(code)
        assert rule is not None, code
        monkeypatch.setattr(rule, "report", lambda self, *a, **k: None)


def test_guard_catches_a_broken_rule_on_the_tiny_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases, corpus = _tiny(tmp_path)
    expected, _ = score.leaklint_state(cases, corpus)
    assert expected["default"]["demo-file-not-closed"] == {"found": True, "clean": True}
    with monkeypatch.context() as m:
        _break(m, ["LL402"])
        broken, _ = score.leaklint_state(cases, corpus)
        diff = score.compare(expected, broken)
    assert diff["lost"] == ["all: demo-file-not-closed", "default: demo-file-not-closed"]
    # the real rule again: nothing lost
    again, _ = score.leaklint_state(cases, corpus)
    assert score.compare(expected, again) == {"lost": [], "dirtied": [], "gained": [], "cleaned": []}
    # and a fixed version that gets flagged is a regression too
    dirty_cases, dirty_corpus = _tiny(tmp_path / "d", fixed=LEAKY + "\n")
    dirtied, _ = score.leaklint_state(dirty_cases, dirty_corpus)
    assert score.compare(expected, dirtied)["dirtied"] == ["all: demo-file-not-closed", "default: demo-file-not-closed"]


def test_score_check_command_on_the_tiny_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    cases, corpus = _tiny(tmp_path)
    cases_dir = tmp_path / "cases"
    expected_path = tmp_path / "expected.json"
    monkeypatch.setattr(manifest, "EXPECTED_JSON", expected_path)
    common = ["--cases", str(cases_dir), "--corpus", str(corpus)]
    assert score.main([*common, "--no-peers", "--output", str(tmp_path / "results.json"), "--write-expected"]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["cases"]["demo-file-not-closed"]["leaklint-default"]["found"] is True
    assert json.loads(expected_path.read_text())["default"] == {"demo-file-not-closed": {"found": True, "clean": True}}
    assert score.main([*common, "--check"]) == 0
    with monkeypatch.context() as m:
        _break(m, ["LL402"])
        capsys.readouterr()
        assert score.main([*common, "--check"]) == 1
        assert "LOST (was found): default: demo-file-not-closed" in capsys.readouterr().out


# ------------------------------------------------------------------ the guard on the fetched corpus
def _corpus() -> Path:
    return manifest.default_corpus().resolve()


@pytest.fixture(scope="module")
def real() -> Dict[str, Any]:
    corpus = _corpus()
    if not corpus.is_dir():
        pytest.skip(f"leak-fix corpus absent ({corpus}); fetch it with python bench/leakfixes/fetch.py")
    cases = manifest.load_cases()
    if not cases or not manifest.EXPECTED_JSON.exists():
        pytest.skip("no cases or no bench/leakfixes/expected.json")
    usable, problems, unfetched = score.usable(cases, corpus)
    if not usable:
        pytest.skip(f"no case of the manifest is fetched in {corpus}; run python bench/leakfixes/fetch.py")
    if unfetched:
        warnings.warn(f"leak-fix corpus incomplete, not checked: {', '.join(unfetched)}")
    scores, errors = score.leaklint_scores(usable, corpus)
    return {"corpus": corpus, "cases": usable, "problems": problems, "scores": scores, "errors": errors}


@pytest.mark.leakfixes
def test_case_files_and_lines_exist(real: Dict[str, Any]) -> None:
    problems = real["problems"]
    assert not problems, "cases whose file or line is not in the fetched release:\n" + "\n".join(
        f"  {cid}: {p}" for cid, ps in sorted(problems.items()) for p in ps
    )


@pytest.mark.leakfixes
def test_leaklint_analyses_every_case_file(real: Dict[str, Any]) -> None:
    crashes = [e for e in real["errors"] if "crashed" in e]
    assert not crashes, "\n".join(crashes)


@pytest.mark.leakfixes
def test_no_found_case_lost_and_no_clean_fix_flagged(real: Dict[str, Any]) -> None:
    diff = score.compare(score.read_expected(), score.states(real["scores"]))
    improved = diff["gained"] + [f"{c} (fixed version now clean)" for c in diff["cleaned"]]
    if improved:
        warnings.warn("leak-fix recall improved; record it with python bench/leakfixes/score.py --write-expected: " + ", ".join(improved))
    assert not diff["lost"] and not diff["dirtied"], (
        "leak fixes no longer found:\n" + "\n".join(f"  {x}" for x in diff["lost"])
        + "\nfixed versions now flagged:\n" + "\n".join(f"  {x}" for x in diff["dirtied"])
        + "\n(if intended, rerun python bench/leakfixes/score.py --write-expected and say why in the commit)"
    )


@pytest.mark.leakfixes
def test_guard_catches_a_broken_rule_on_a_real_case(real: Dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    expected = score.read_expected()
    found = [c for c in real["cases"] if expected["default"].get(c.id, {}).get("found") and real["scores"][c.id]["leaklint-default"]["found"]]
    if not found:
        pytest.skip("no case is found by the default rules")
    case = found[0]
    codes = sorted({f["code"] for f in real["scores"][case.id]["leaklint-all"]["leaky"]})
    only = {"default": {case.id: expected["default"][case.id]}, "all": {case.id: expected["all"][case.id]}}
    with monkeypatch.context() as m:
        _break(m, codes)
        broken, _ = score.leaklint_state([case], real["corpus"])
        assert f"default: {case.id}" in score.compare(only, broken)["lost"], f"breaking {codes} did not lose {case.id}"
    restored, _ = score.leaklint_state([case], real["corpus"])
    assert score.compare(only, restored)["lost"] == []


def test_default_row_equals_a_default_run(tmp_path: Path) -> None:
    """The scorer derives the default row from one run of every rule; on the tiny corpus and on
    leaklint's own fixtures that is what a run of the default rules reports."""
    files = sorted((ROOT / "fixtures").rglob("*.py"))[:40]
    paths = [(str(p), p.relative_to(ROOT).as_posix()) for p in files]
    default, _ = score.run_leaklint(paths, None)
    everything, _ = score.run_leaklint(paths, ("ALL",))
    codes = set(score.default_codes())
    assert {p: [f for f in fs if f["code"] in codes] for p, fs in everything.items()} == default
    assert sum(len(v) for v in default.values()) > 0
