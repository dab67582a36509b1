"""Resource rules (LL401-LL404): behaviour the rule cases cannot express."""

from pathlib import Path

import pytest

from leaklint.config import Config, ConfigError, load_config
from leaklint.engine import lint_source
from leaklint.rules.resources._common import CATALOGUE, ResourceOptions, catalogue_triggers
from leaklint.rules.resources.resource_not_closed import ResourceNotClosed
from leaklint.rules.resources.resource_used_inline import ResourceUsedInline

SOURCE = """\
import ldap3

def search(server):
    conn = ldap3.Connection(server)
    return conn.search("o=test", "(objectclass=*)")

def whoami(server):
    return ldap3.Connection(server).extend.standard.who_am_i()
"""


def _config(tmp_path: Path, body: str) -> Config:
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    return load_config(tmp_path / "pyproject.toml")


def test_extra_factories_from_pyproject(tmp_path: Path) -> None:
    config = _config(tmp_path, '[tool.leaklint.resources]\nextra = ["ldap3.Connection"]\n')
    found = lint_source(SOURCE, "ldap.py", config, rules=[ResourceNotClosed, ResourceUsedInline])
    assert [(f.line, f.code) for f in found] == [(4, "LL401"), (8, "LL402")]
    assert "ldap3.Connection()" in found[0].message


def test_extra_factories_widen_the_triggers(tmp_path: Path) -> None:
    # none of the catalogue's own triggers occurs in SOURCE: only the option makes it parse
    assert not any(t in SOURCE for t in catalogue_triggers())
    assert "Connection" in ResourceNotClosed.active_triggers(ResourceOptions(extra=("ldap3.Connection",)))
    assert lint_source(SOURCE, "ldap.py", Config(), rules=[ResourceNotClosed, ResourceUsedInline]) == []


def test_both_rules_share_the_section() -> None:
    assert ResourceNotClosed.section() == ResourceUsedInline.section() == "resources"
    assert ResourceNotClosed.Options is ResourceUsedInline.Options is ResourceOptions


def test_unknown_key_in_the_section_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="resources.factories"):
        _config(tmp_path, '[tool.leaklint.resources]\nfactories = ["x.y"]\n')
    with pytest.raises(ConfigError, match="expected a list"):
        _config(tmp_path, '[tool.leaklint.resources]\nextra = "x.y"\n')


def test_third_party_entries_need_the_import() -> None:
    source = "def fetch(url):\n    s = Session()\n    return s.get(url)\n"
    assert lint_source(source, "x.py", Config(), rules=[ResourceNotClosed]) == []
    imported = "from requests import Session\n" + source
    assert [f.line for f in lint_source(imported, "x.py", Config(), rules=[ResourceNotClosed])] == [3]


@pytest.mark.parametrize("qualified", sorted(CATALOGUE))
def test_every_catalogue_entry_resolves(qualified: str) -> None:
    module, _, attr = qualified.rpartition(".")
    if module == "builtins":
        source = f"def f(p):\n    r = {attr}(p)\n    r.connect()\n    return r.name\n"
    elif module == "tarfile.TarFile":
        source = f"import tarfile\n\ndef f(p):\n    r = tarfile.TarFile.{attr}(p)\n    r.connect()\n    return r.name\n"
    else:
        source = f"import {module} as m\n\ndef f(p):\n    r = m.{attr}(p)\n    r.connect()\n    return r.name\n"
    found = lint_source(source, "x.py", Config(), rules=[ResourceNotClosed])
    assert [f.code for f in found] == ["LL401"], source
