"""Leak proofs: every rule has fixtures/<code>_<name>/{leaky,fixed}.py; leaklint reports exactly
the marked lines of leaky.py and nothing on fixed.py, and running both shows the leak for real."""

import re
from pathlib import Path
from typing import Set, Tuple

import pytest

from leaklint import proof
from leaklint.config import Config
from leaklint.engine import lint_file
from leaklint.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
MARK = re.compile(r"#.*?\b(LL\d{3}(?:\s*,\s*LL\d{3})*)\b")
DIRS = proof.fixture_dirs(FIXTURES)


def marked(path: Path) -> Set[Tuple[int, str]]:
    out = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        comment = line.split("#", 1)[1] if "#" in line else ""
        for code in re.findall(r"\bLL\d{3}\b", comment):
            out.add((number, code))
    return out


def _config_for(code: str) -> Config:
    # every default rule plus the fixture's own rule (which may be opt-in)
    return Config(extend_select=(code,))


def test_every_rule_has_a_fixture_pair() -> None:
    codes = {d.name.split("_", 1)[0] for d in DIRS}
    missing = [r.code for r in all_rules() if r.code not in codes]
    assert missing == [], f"rules without fixtures/<code>_<name>/: {missing}"
    for d in DIRS:
        code, _, name = d.name.partition("_")
        rule = next((r for r in all_rules() if r.code == code), None)
        assert rule is not None, f"{d.name}: no rule {code}"
        assert name == rule.name.replace("-", "_"), f"{d.name} should be {code}_{rule.name.replace('-', '_')}"
        assert (d / "leaky.py").is_file() and (d / "fixed.py").is_file()


@pytest.mark.parametrize("directory", DIRS, ids=[d.name for d in DIRS])
def test_lint_marks(directory: Path) -> None:
    code = directory.name.split("_", 1)[0]
    config = _config_for(code)
    leaky = directory / "leaky.py"
    found = {(f.line, f.code) for f in lint_file(str(leaky), config)}
    # marks of opt-in rules of other families document a second mechanism on the same line;
    # they are expected only when that rule is enabled
    enabled = {r.code for r in config.enabled_rules()}
    expected = {(line, c) for line, c in marked(leaky) if c in enabled}
    assert any(c == code for _, c in expected), f"{leaky} marks no {code} line"
    assert found == expected
    fixed = directory / "fixed.py"
    assert [(f.line, f.code, f.message) for f in lint_file(str(fixed), config)] == []


@pytest.mark.parametrize("directory", DIRS, ids=[d.name for d in DIRS])
def test_proof(directory: Path) -> None:
    spec = proof.load_spec(directory)
    missing = spec.missing_requirements()
    if missing:
        pytest.skip(f"needs {', '.join(missing)}")
    leaky = proof.measure(spec.leaky, spec)[spec.metric]
    fixed = proof.measure(spec.fixed, spec)[spec.metric]
    assert leaky >= spec.threshold_leaky(), f"leaky program does not leak: {spec.metric}={leaky}/call"
    assert fixed <= spec.threshold_fixed(), f"fixed program still leaks: {spec.metric}={fixed}/call"
    # the figures in the docs must stay true
    evidence = proof.load_evidence(spec.code)
    assert evidence is not None, f"run `python -m leaklint.proof write fixtures --only {spec.code}`"
    assert evidence["metric"] == spec.metric and evidence["iterations"] == spec.iterations
    if spec.metric == "tracemalloc":
        assert leaky == pytest.approx(evidence["leaky_per_call"], rel=0.35), "re-run `python -m leaklint.proof write`"
        assert fixed <= spec.threshold_fixed()
    else:
        assert leaky == pytest.approx(evidence["leaky_per_call"], abs=0.05), "re-run `python -m leaklint.proof write`"
        assert fixed == pytest.approx(evidence["fixed_per_call"], abs=0.05)
