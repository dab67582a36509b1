"""A user's mistakes get an error or a note, never silence: selectors that match no rule, a
baseline used from the wrong directory, non-Python paths, --explain LL000, --show-settings,
suppressions on decorator lines, and rule-page examples that need options."""

import json
import re
from pathlib import Path
from typing import List, Tuple

import pytest

from leaklint import docs
from leaklint.cli import main
from leaklint.registry import all_rules, rule_by_code
from leaklint.engine import lint_source

LEAKY = "import functools\n\nclass Service:\n    @functools.lru_cache(maxsize=None)\n    def lookup(self, key):\n        return key\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "leaky.py").write_text(LEAKY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(args: List[str], capsys: pytest.CaptureFixture) -> Tuple[int, str, str]:
    code = main([*args, "--no-cache"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("selector", ["LL9", "LL99", "LL7", "LL70"])
def test_selector_matching_no_rule_is_an_error(project: Path, capsys: pytest.CaptureFixture, selector: str) -> None:
    for flag in ("--select", "--extend-select", "--ignore"):
        code, out, err = run(["src", flag, selector], capsys)
        assert code == 2, (flag, err)
        assert f"'{selector}' matches no rule" in err and "command line" in err and out == ""


def test_selector_in_config_matching_no_rule_names_file_and_key(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "pyproject.toml").write_text('[tool.leaklint]\nselect = ["LL9"]\n')
    code, _, err = run(["src"], capsys)
    assert code == 2
    assert "pyproject.toml: tool.leaklint.select: 'LL9' matches no rule" in err
    (project / "pyproject.toml").write_text('[tool.leaklint.per-file-ignores]\n"tests/**" = ["LL99"]\n')
    code, _, err = run(["src"], capsys)
    assert code == 2 and "per-file-ignores: 'LL99' matches no rule" in err


def test_real_prefixes_and_ll000_still_work(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert run(["src", "--select", "LL1"], capsys)[0] == 1
    assert run(["src", "--select", "LL10"], capsys)[0] == 1
    assert run(["src", "--ignore", "LL0"], capsys)[0] == 1  # LL0 covers LL000
    assert run(["src", "--ignore", "LL000"], capsys)[0] == 1
    assert run(["src", "--select", "LL", "--ignore", "LL1"], capsys)[0] == 0


def test_explain_ll000(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(["--explain", "LL000"], capsys)
    assert code == 0 and out.startswith("# LL000 `file-not-analyzed`") and "## What it does" in out
    assert run(["--explain", "file-not-analyzed"], capsys)[1] == out


def test_ll000_page_example_is_what_leaklint_prints() -> None:
    page = docs.render_ll000()
    code = re.search(r"```python\n(.*?)```", page, re.S).group(1)
    finding = lint_source(code, "example.py")[0]
    assert f"`example.py:{finding.line}:{finding.column}: LL000 {finding.message}`" in page


def test_explicit_non_python_path_is_skipped_with_a_note(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "README.md").write_text("# Title\n\nSome `code`.\n")
    code, out, err = run(["README.md"], capsys)
    assert code == 0 and out == ""
    assert "README.md: not a Python file or notebook" in err and "skipped" in err and "LL000" not in err
    code, out, err = run(["README.md", "src/leaky.py"], capsys)
    assert code == 1 and out.startswith("src/leaky.py:5:9: LL103") and "README.md" not in out
    # an extensionless script with a python shebang is Python (pre-commit passes those)
    (project / "tool").write_text("#!/usr/bin/env python3\n" + LEAKY)
    code, out, _ = run(["tool"], capsys)
    assert code == 1 and out.startswith("tool:6:9: LL103")
    # a missing path is still an error, not a skip
    code, out, _ = run(["nope.py"], capsys)
    assert code == 1 and "nope.py:1:1: LL000" in out
    assert "README.md" not in run(["README.md", "-q"], capsys)[2]


def test_baseline_written_elsewhere_warns_and_says_why(project: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(["--write-baseline", "base.json", "src"], capsys)[0] == 0
    assert json.loads((project / "base.json").read_text())["findings"][0]["path"] == "src/leaky.py"
    code, _, err = run(["--baseline", "base.json", "src"], capsys)
    assert code == 0 and "warning" not in err
    monkeypatch.chdir(project / "src")
    code, out, err = run(["--baseline", "../base.json", "."], capsys)
    assert code == 1 and out.startswith("leaky.py:5:9: LL103")
    assert "warning: baseline ../base.json: none of its 1 entries matched" in err
    assert "relative to the directory leaklint ran in when it was written (e.g. 'src/leaky.py')" in err
    assert f"relative to {project / 'src'}" in err and "run leaklint from the directory that contains 'src'" in err


def test_baseline_with_stale_entries_only_does_not_warn(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert run(["--write-baseline", "base.json", "src"], capsys)[0] == 0
    (project / "src" / "leaky.py").write_text("x = 1\n")  # fixed: its entry is stale, not mismatched
    code, _, err = run(["--baseline", "base.json", "src"], capsys)
    assert code == 0 and "warning" not in err


def test_show_settings_says_where_each_value_comes_from(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.leaklint]\nextend-select = ["LL501"]\nmin-confidence = "medium"\n\n[tool.leaklint.resources]\nerror-paths = true\n'
    )
    code, out, _ = run(["--show-settings", "--ignore", "LL402", "--min-confidence", "high"], capsys)
    assert code == 0
    source = str(project / "pyproject.toml")
    lines = out.splitlines()
    assert f"# configuration file: {source}" in lines
    assert f'extend-select = ["LL501"]  # [tool.leaklint] of {source}' in lines
    assert 'ignore = ["LL402"]  # command line' in lines
    assert f'min-confidence = "high"  # command line (over [tool.leaklint] of {source})' in lines
    assert "respect-gitignore = true  # default" in lines
    assert f"error-paths = true  # [tool.leaklint] of {source}" in lines
    assert "include-tests = false  # default" in lines
    running = next(line for line in lines if line.startswith("# rules that run"))
    assert "LL501" in running and "LL402" not in running and "LL401" in running
    # defaults only, and a config error is still an error
    (project / "pyproject.toml").write_text('[tool.leaklint]\nselect = ["LL9"]\n')
    assert run(["--show-settings"], capsys)[0] == 2


DECORATED = """import functools

class Service:
    @functools.lru_cache(maxsize=None){comment}
    def lookup(self, key):
        return key
"""


@pytest.mark.parametrize(
    "comment, suppressed",
    [
        ("  # leaklint: ignore[LL103]", True),
        ("  # leaklint: ignore", True),
        ("  # noqa: LL103", True),
        ("  # noqa: B019", True),
        ("  # pylint: disable=method-cache-max-size-none", True),
        ("  # leaklint: ignore[LL401]", False),
        ("  # noqa", False),  # a bare noqa is about the decorator line itself
        ("", False),
    ],
)
def test_suppression_on_the_decorator_line(comment: str, suppressed: bool) -> None:
    found = lint_source(DECORATED.format(comment=comment), "m.py")
    assert (found == []) is suppressed, found


def test_suppression_on_a_second_decorator_line_and_through_comments() -> None:
    code = "import functools\n\nclass S:\n    @functools.lru_cache(maxsize=None)  # leaklint: ignore[LL103]\n    # a comment\n    @staticmethod\n    def f(self):\n        pass\n"
    code = code.replace("    @staticmethod\n", "    @other\n")
    assert lint_source(code, "m.py") == []


def test_every_rule_page_example_runs_with_the_options_it_shows() -> None:
    problems = [p for rule in all_rules() for p in docs.run_page_examples(rule)]
    assert problems == []
    pages_with_options = [r.code for r in all_rules() if "```toml\n# pyproject.toml" in docs.render_rule(r)]
    assert {"LL401", "LL402"} <= set(pages_with_options)


def test_a_page_that_drops_an_examples_options_fails_the_check(tmp_path: Path) -> None:
    rule = rule_by_code("LL402")
    page = docs.render_rule(rule)
    without = re.sub(r"```toml\n.*?```\n", "", page, flags=re.S)
    assert without != page
    problems = docs.run_page_examples(rule, without)
    assert problems and "LL402: page example 1 (tests/test_backends.py) is reported on lines []" in problems[0]
    # ... and `python -m leaklint.docs --check` fails on it even when the committed pages are
    # what that (broken) generator writes: the check runs the examples, not only compares text
    assert docs.main([str(tmp_path)]) == 0
    assert docs.main(["--check", str(tmp_path)]) == 0
    original = docs.render_case
    try:
        docs.render_case = lambda r, case: original(r, type(case)(case.code, options={}, path=case.path))  # type: ignore[assignment]
        assert docs.main([str(tmp_path)]) == 0
        assert "```toml" not in (tmp_path / "LL402.md").read_text()
        assert docs.main(["--check", str(tmp_path)]) == 1
    finally:
        docs.render_case = original  # type: ignore[assignment]
