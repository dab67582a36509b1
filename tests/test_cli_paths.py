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
    assert (tmp_path / "pkg" / "here" / "v3").is_dir()


def test_paths_reached_through_a_symlink_match_config_globs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    real = tmp_path / "real"
    (real / "pkg" / "gen").mkdir(parents=True)
    (real / "pyproject.toml").write_text('[tool.leaklint]\nextend-exclude = ["pkg/gen"]\n[tool.leaklint.per-file-ignores]\n"pkg/legacy_*.py" = ["LL103"]\n')
    (real / "pkg" / "legacy_a.py").write_text(LEAKY)
    (real / "pkg" / "gen" / "out.py").write_text(LEAKY)
    (real / "pkg" / "new.py").write_text(LEAKY)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main([str(link / "pkg"), "-q", "-j", "1", "--no-cache"]) == 1
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines()] == ["link/pkg/new.py"]


def test_ll000_can_be_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "py2").mkdir()
    (tmp_path / "py2" / "old.py").write_text("print 'hello'\n")
    (tmp_path / "new.py").write_text("def f(:\n")
    monkeypatch.chdir(tmp_path)

    def reported(*argv: str) -> list:
        capsys.readouterr()
        main([".", "-q", "-j", "1", "--no-cache", *argv])
        return sorted(line.split(":")[0] for line in capsys.readouterr().out.splitlines())

    assert reported() == ["new.py", "py2/old.py"]
    assert reported("--select", "LL1") == ["new.py", "py2/old.py"]  # select never hides it
    assert reported("--ignore", "LL000") == []
    (tmp_path / "pyproject.toml").write_text('[tool.leaklint]\nper-file-ignores = { "py2/*" = ["LL000"] }\n')
    assert reported() == ["new.py"]
