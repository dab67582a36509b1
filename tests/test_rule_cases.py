"""Every rule's cases, run through the real engine (one test per case): the few each rule's
class shows on its page (VALID / INVALID) and its regression cases in tests/cases/<family>/
(read by tests/case_files.py)."""

from typing import Any, List, Tuple

import pytest
from case_files import CASES, CaseFileError, all_cases, family, read_case

from leaklint.config import Config, merge_rule_options
from leaklint.engine import lint_source
from leaklint.registry import all_rules
from leaklint.rule import expected_lines
from leaklint.types import Invalid, Valid


def _cases() -> List[Any]:
    params = []
    for rule in all_rules():
        inline = {id(c): i for i, c in enumerate([*rule.VALID, *rule.INVALID])}
        for case in all_cases(rule):
            kind = "valid" if isinstance(case, Valid) else "invalid"
            case_id = f"{rule.code}-{kind}-{case.id or inline.get(id(case))}"
            params.append(pytest.param(rule, case, id=case_id))
    return params


def test_case_files_are_well_formed() -> None:
    codes = {r.code: r for r in all_rules()}
    files = sorted(CASES.rglob("*.py"))
    assert len(files) > 100  # the regression cases live here
    problems = []
    for path in files:
        code = path.name.split("_", 1)[0]
        if code not in codes:
            problems.append(f"{path.name}: no rule {code}")
            continue
        if path.parent.name != family(codes[code]):
            problems.append(f"{path.name}: in {path.parent.name}/, its rule is in rules/{family(codes[code])}/")
        try:
            case = read_case(path)
        except (CaseFileError, ValueError) as exc:
            problems.append(str(exc))
            continue
        if isinstance(case, Invalid) and not expected_lines(case.code, code):
            problems.append(f"{path.name}: an invalid case marks no line with '# {code}'")
    assert not problems, "\n".join(problems)


def test_a_malformed_case_file_is_refused(tmp_path: Any) -> None:
    bad = tmp_path / "LL401_invalid_x.py"
    bad.write_text("f = open(p)  # LL401\n# case: {not json}\n")
    with pytest.raises(CaseFileError):
        read_case(bad)
    bad.write_text("f = open(p)  # LL401\n# case: {\"colour\": 1}\n")
    with pytest.raises(CaseFileError):
        read_case(bad)
    odd = tmp_path / "LL401_sometimes_x.py"
    odd.write_text("x = 1\n")
    with pytest.raises(CaseFileError):
        read_case(odd)
    good = tmp_path / "LL401_invalid_tests_only.py"
    good.write_text('f = open(p)  # LL401\n# case: {"path": "tests/test_x.py", "options": {"include-tests": true}, "confidence": "high"}\n')
    case = read_case(good)
    assert isinstance(case, Invalid) and case.code == "f = open(p)  # LL401\n" and case.path == "tests/test_x.py"
    assert case.options == {"include-tests": True} and str(case.confidence) == "high" and case.id == "tests_only"


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
        for case in all_cases(rule):
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
