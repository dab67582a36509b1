"""Registration rules (LL2xx): behaviour the VALID / INVALID cases cannot express — the
`[tool.leaklint.listeners]` options, their validation, and the trigger prefilter they widen."""

import textwrap
from pathlib import Path

import pytest

from leaklint.config import ConfigError, config_from_table, load_config
from leaklint.engine import lint_source
from leaklint.rules.registration.listener_never_removed import DEFAULT_PAIRS, ListenerNeverRemoved

# text that contains none of LL202's built-in triggers: only a configured pair can match it
ATTACH = textwrap.dedent(
    """
    class Panel:
        def load(self, app):
            app.attach(self.ready)

        def ready(self):
            pass
    """
)


def _codes(source: str, config) -> list:
    return [(f.line, f.code) for f in lint_source(source, "example.py", config, rules=[ListenerNeverRemoved])]


def test_attach_text_has_no_builtin_trigger() -> None:
    triggers = ListenerNeverRemoved.active_triggers(ListenerNeverRemoved.default_options())
    assert not any(t in ATTACH for t in triggers)
    assert _codes(ATTACH, config_from_table({})) == []


def test_extend_pairs_widens_triggers_and_matches() -> None:
    config = config_from_table({"listeners": {"extend-pairs": [["attach", "detach"]], "all-forms": True}})
    options = config.options_for(ListenerNeverRemoved)
    assert options.pairs == DEFAULT_PAIRS
    assert options.extend_pairs == (("attach", "detach"),)
    assert "attach" in ListenerNeverRemoved.active_triggers(options)
    assert _codes(ATTACH, config) == [(4, "LL202")]


def test_pairs_replace_defaults() -> None:
    config = config_from_table({"listeners": {"pairs": [["attach", "detach"]], "all-forms": True}})
    options = config.options_for(ListenerNeverRemoved)
    triggers = ListenerNeverRemoved.active_triggers(options)
    assert "attach" in triggers and "subscribe" not in triggers
    assert _codes(ATTACH, config) == [(4, "LL202")]
    subscribe = ATTACH.replace("attach", "subscribe")
    assert _codes(subscribe, config) == []


def test_configured_removal_is_honoured() -> None:
    config = config_from_table({"listeners": {"extend-pairs": [["attach", "detach"]], "all-forms": True}})
    source = ATTACH + "\n    def unload(self, app):\n        app.detach(self.ready)\n"
    assert _codes(source, config) == []


@pytest.mark.parametrize(
    "value",
    [["attach", "detach"], [["attach"]], [["attach", 1]], "attach"],
    ids=["flat-list", "one-name", "not-a-string", "string"],
)
def test_malformed_pairs_are_config_errors(value) -> None:
    with pytest.raises(ConfigError, match="listeners.extend-pairs"):
        config_from_table({"listeners": {"extend-pairs": value}}, source="pyproject.toml")


def test_unknown_listener_option_is_an_error() -> None:
    with pytest.raises(ConfigError, match="unknown option 'weak'"):
        config_from_table({"listeners": {"weak": True}}, source="pyproject.toml")


def test_pyproject_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.leaklint.listeners]\nall-forms = true\nextend-pairs = [["attach", "detach"], ["watch", "unwatch"]]\n'
    )
    config = load_config(start=tmp_path)
    options = config.options_for(ListenerNeverRemoved)
    assert options.extend_pairs == (("attach", "detach"), ("watch", "unwatch"))
    assert _codes(ATTACH.replace("attach", "watch"), config) == [(4, "LL202")]
