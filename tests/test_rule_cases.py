"""Every rule's VALID / INVALID cases, run through the real engine (one test per case)."""

from typing import Any, List, Tuple

import pytest

from leaklint.config import Config, merge_rule_options
from leaklint.engine import lint_source
from leaklint.registry import all_rules
from leaklint.rule import expected_lines
from leaklint.types import Invalid, Valid


def _cases() -> List[Any]:
    params = []
    for rule in all_rules():
        for kind, cases in (("valid", rule.VALID), ("invalid", rule.INVALID)):
            for i, case in enumerate(cases):
                case_id = f"{rule.code}-{kind}-{case.id or i}"
                params.append(pytest.param(rule, case, id=case_id))
    return params


def _lint(rule: Any, case: Any) -> Tuple[Config, list]:
    config = Config()
    if case.options:
        config = merge_rule_options(config, rule.section(), case.options, source=f"{rule.code} case")
    findings = lint_source(case.code, case.path, config, rules=[rule])
    return config, findings


def test_case_ids_are_unique() -> None:
    ids = [p.id for p in _cases()]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("rule,case", _cases())
def test_case(rule: Any, case: Any) -> None:
    _, findings = _lint(rule, case)
    assert all(f.code != "LL000" for f in findings), findings
    mine = [f for f in findings if f.code == rule.code]
    if isinstance(case, Valid):
        assert mine == [], "\n".join(f"{f.line}: {f.message}" for f in mine)
        return
    assert isinstance(case, Invalid)
    assert sorted({f.line for f in mine}) == expected_lines(case.code, rule.code), "\n".join(
        f"{f.line}: {f.message}" for f in mine
    )
    assert len(mine) == len(expected_lines(case.code, rule.code)), "one finding per marked line"
    for f in mine:
        if case.confidence is not None:
            assert f.confidence == case.confidence, f
        if case.message_contains:
            assert case.message_contains in f.message, f.message
        assert "{" not in f.message, f"unformatted placeholder in {f.message!r}"


def test_rules_find_the_same_together_as_alone() -> None:
    """Rules of a family share per-file facts (`Context.shared`): running every rule at once
    must give each rule exactly the findings it gives alone, on every case of every rule."""
    rules = all_rules()
    differences = []
    for rule in rules:
        for case in [*rule.VALID, *rule.INVALID]:
            config = Config()
            if case.options:
                config = merge_rule_options(config, rule.section(), case.options, source=f"{rule.code} case")
            together = lint_source(case.code, case.path, config, rules=rules)
            for other in rules:
                alone = lint_source(case.code, case.path, config, rules=[other])
                key = lambda fs: [(f.line, f.column, f.message) for f in fs if f.code == other.code]  # noqa: E731
                if key(together) != key(alone):
                    differences.append(f"{other.code} on a case of {rule.code} ({case.id}): {key(alone)} alone, {key(together)} together")
    assert not differences, "\n".join(differences[:20])
