"""The integration docs say what the code does: every CLI flag, config key and flake8 option is
documented, the generated rule-option tables are current, and the YAML a user copies parses
and matches the published hook."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest
import yaml

import leaklint.config
import leaklint.flake8
import leaklint.registry
from leaklint import configdocs
from leaklint.cli import build_parser
from leaklint.config import TOP_LEVEL_KEYS
from leaklint.rule import Rule
from leaklint.types import Invalid, Valid

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
INTEGRATIONS = (DOCS / "integrations.md").read_text(encoding="utf-8")
CONFIGURATION = (DOCS / "configuration.md").read_text(encoding="utf-8")
SUPPRESSIONS = (DOCS / "suppressions.md").read_text(encoding="utf-8")


def yaml_blocks(text: str) -> List[Any]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def test_every_cli_flag_is_documented() -> None:
    flags = [s for action in build_parser()._actions for s in action.option_strings if s.startswith("--") and s != "--help"]
    assert len(flags) > 20
    missing = [f for f in flags if f"`{f}" not in INTEGRATIONS]
    assert missing == []


def test_every_config_key_is_documented() -> None:
    missing = [k for k in TOP_LEVEL_KEYS if f"| `{k}` |" not in CONFIGURATION]
    assert missing == []


def test_every_fixed_flake8_option_is_documented() -> None:
    fixed = sorted(leaklint.flake8._FIXED_FLAGS)
    assert all(f"`--{flag}" in INTEGRATIONS for flag in fixed), fixed


def test_rule_option_tables_are_current() -> None:
    assert configdocs.main(["--check", str(DOCS / "configuration.md")]) == 0, "run `python -m leaklint.configdocs`"


def test_exit_codes_documented() -> None:
    for status in ("| 0 |", "| 1 |", "| 2 |", "| 130 |"):
        assert status in CONFIGURATION


def test_cost_table_has_figures() -> None:
    assert "MEASURE_" not in INTEGRATIONS


def test_pre_commit_snippets_match_the_published_hook() -> None:
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
    assert hook["id"] == "leaklint" and hook["entry"] == "leaklint" and hook["args"] == ["--force-exclude"]
    configs = [b for b in yaml_blocks(INTEGRATIONS) if isinstance(b, dict) and "repos" in b]
    local, remote = configs
    assert remote["repos"][0]["hooks"] == [{"id": "leaklint"}]
    (local_hook,) = local["repos"][0]["hooks"]
    assert local_hook["entry"].split() == [hook["entry"], *hook["args"]]
    for key in ("types_or", "exclude_types", "require_serial"):
        assert local_hook[key] == hook[key], key
    # the local form runs the leaklint already installed: nothing to download
    assert local_hook["language"] == "system" and "additional_dependencies" not in local_hook


def test_github_workflows() -> None:
    workflows = [b for b in yaml_blocks(INTEGRATIONS) if isinstance(b, dict) and "jobs" in b]
    sarif, annotations = workflows
    steps = sarif["jobs"]["leaklint"]["steps"]
    assert any("--format sarif" in s.get("run", "") and "--output leaklint.sarif" in s.get("run", "") for s in steps)
    upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert upload and upload[0]["with"]["sarif_file"] == "leaklint.sarif"
    assert sarif["permissions"]["security-events"] == "write"
    runs = [s.get("run", "") for s in annotations["jobs"]["leaklint"]["steps"]]
    assert any("--format github" in r for r in runs)


def test_suppression_forms_documented() -> None:
    for form in ("# noqa`", "# noqa: LL103", "# leaklint: ignore[LL103]", "# leaklint: ignore-file"):
        assert form in SUPPRESSIONS, form


def test_readme_points_at_the_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("docs/integrations.md", "docs/configuration.md", "docs/suppressions.md"):
        assert page in readme


# ------------------------------------------------------------------------------ generator
@dataclasses.dataclass(frozen=True)
class _Opts:
    strict: bool = dataclasses.field(default=False, metadata={"help": "report | also this"})
    factories: Tuple[str, ...] = dataclasses.field(default=("a.open",), metadata={"help": "resource factories"})


class _DocProbe(Rule):
    """
    ## What it does
    Probe.

    ## Why is this bad?
    Probe.

    ## Known problems
    None.

    ## Fix safety
    None.

    ## References
    - none
    """

    code = "LL989"
    name = "doc-probe"
    message = "probe"
    Options = _Opts
    options_section = "probes"
    VALID = [Valid("x = 1\n")]
    INVALID = [Invalid("x = 1  # LL989\n")]


@pytest.fixture
def doc_probe(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    rules = (*leaklint.registry.all_rules(), _DocProbe)
    for module in (leaklint.registry, leaklint.config, leaklint.flake8, configdocs):
        monkeypatch.setattr(module, "all_rules", lambda: rules, raising=False)
    leaklint.config._enabled.cache_clear()
    yield
    leaklint.config._enabled.cache_clear()


def test_generated_option_table(doc_probe: None) -> None:
    block = configdocs.render()
    assert "### `[tool.leaklint.probes]`" in block
    assert "Used by [LL989](rules/LL989.md) `doc-probe`." in block
    assert "| `strict` | boolean | `false` | `--leaklint-probes-strict` | report \\| also this |" in block
    assert '| `factories` | list of strings | `["a.open"]` | `--leaklint-probes-factories` | resource factories |' in block
    text = f"intro\n{configdocs.START}\nSTALE-TABLE-TEXT\n{configdocs.END}\noutro\n"
    updated = configdocs.update(text)
    # (a marker no real option text contains: "old" is a substring of "hold")
    assert updated.startswith("intro\n") and updated.endswith("\noutro\n") and "STALE-TABLE-TEXT" not in updated
