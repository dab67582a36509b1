"""Paths in [tool.leaklint] are relative to the project root (the directory of the
pyproject.toml), whatever directory leaklint runs from."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaklint.cli import main

LEAKY = "import functools\n\nclass S:\n    @functools.lru_cache(maxsize=None)\n    def f(self, k):\n        return k\n"


def test_config_cache_dir_is_relative_to_the_project_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.leaklint]\ncache-dir = ".cache/leaklint"\n')
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "sub" / "m.py").write_text(LEAKY)
    for where in (tmp_path, tmp_path / "pkg", tmp_path / "pkg" / "sub"):
        monkeypatch.chdir(where)
        assert main(["-q", "-j", "1"]) == 1
    caches = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("leaklint") if p.is_dir())
    assert caches == [".cache/leaklint"]
    # a --cache-dir flag is relative to the current directory, as command-line paths are
    monkeypatch.chdir(tmp_path / "pkg")
    assert main(["-q", "-j", "1", "--cache-dir", "here"]) == 1
    assert (tmp_path / "pkg" / "here" / "v1").is_dir()
