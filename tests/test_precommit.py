"""The pre-commit hook, for real: `pre-commit try-repo` builds its own virtualenv, pip-installs
leaklint from a commit of this checkout and runs the `leaklint` hook on a throwaway repository.
It must fail on a leaky file and pass once the file is fixed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parent.parent

LEAKY = textwrap.dedent('''\
    import functools


    class Handler:
        @functools.lru_cache(maxsize=None)
        def price(self, sku):
            return len(sku)
    ''')

FIXED = textwrap.dedent('''\
    import functools


    class Handler:
        def price(self, sku):
            return _price(sku)


    @functools.lru_cache(maxsize=None)
    def _price(sku):
        return len(sku)
    ''')


def _git_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="leaklint tests", GIT_AUTHOR_EMAIL="tests@leaklint.invalid",
        GIT_COMMITTER_NAME="leaklint tests", GIT_COMMITTER_EMAIL="tests@leaklint.invalid",
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                   cwd=cwd, env=_git_env(), check=True, capture_output=True)


def _source_files() -> List[str]:
    """The checkout's files as git would commit them now (tracked and new, minus ignored)."""
    proc = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return [p for p in proc.stdout.split("\0") if p and (ROOT / p).is_file()]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding a commit of this checkout, as try-repo needs one."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for rel in _source_files():
        if rel.startswith(("tests/", "fixtures/", "bench/", "docs/")):
            continue  # not needed to install the hook; keeps the clone small
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    assert (repo / ".pre-commit-hooks.yaml").is_file()
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "leaklint under test")
    return repo


def try_repo(hook_repo: Path, project: Path, home: Path, hook: str = "leaklint") -> subprocess.CompletedProcess:
    env = _git_env()
    env["PRE_COMMIT_HOME"] = str(home)
    env.pop("PYTHONPATH", None)  # the hook must run the leaklint pre-commit installed
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook, "--all-files", "--color", "never"],
        cwd=project, env=env, capture_output=True, text=True, timeout=900,
    )


def test_hook_definition() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "- id: leaklint\n" in text
    assert "language: python" in text and "types_or: [python, jupyter]" in text and "args: [--force-exclude]" in text
    assert "pass_filenames: false" not in text
    fix_hook = text.split("- id: leaklint-fix\n", 1)[1]
    assert "entry: leaklint --fix\n" in fix_hook and "args: [--force-exclude]" in fix_hook
    assert "language: python" in fix_hook and "types: [python]" in fix_hook


@pytest.mark.slow
def test_try_repo_fails_on_leaky_file_and_passes_when_fixed(hook_repo: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.leaklint]\nextend-exclude = ["legacy"]\n')
    (project / "app.py").write_text(LEAKY)
    # excluded in [tool.leaklint]: the hook passes --force-exclude, so this file stays quiet
    (project / "legacy").mkdir()
    (project / "legacy" / "old.py").write_text(LEAKY)
    # stubs are not passed to the hook
    (project / "stub.pyi").write_text(LEAKY)
    git(project, "init", "-q")
    git(project, "add", "-A")
    home = tmp_path / "pre-commit-home"

    failed = try_repo(hook_repo, project, home)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "leaklint" in output and "Failed" in output, output
    assert "app.py:6:9: LL103" in output, output
    assert "legacy/old.py" not in output and "stub.pyi" not in output, output

    (project / "app.py").write_text(FIXED)
    git(project, "add", "-A")
    passed = try_repo(hook_repo, project, home)
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "Passed" in output, output


RESOURCE = textwrap.dedent('''\
    def read(path):
        fh = open(path)
        return fh.read()
    ''')


@pytest.mark.slow
def test_try_repo_fix_hook_rewrites_the_file_then_passes(hook_repo: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(RESOURCE)
    git(project, "init", "-q")
    git(project, "add", "-A")
    home = tmp_path / "pre-commit-home"

    fixed = try_repo(hook_repo, project, home, "leaklint-fix")
    output = fixed.stdout + fixed.stderr
    # pre-commit fails a hook that modified files, so that the fix is reviewed and staged
    assert fixed.returncode == 1, output
    assert (project / "app.py").read_text() == "def read(path):\n    with open(path) as fh:\n        return fh.read()\n"
    git(project, "add", "-A")
    again = try_repo(hook_repo, project, home, "leaklint-fix")
    assert again.returncode == 0, again.stdout + again.stderr
