"""Every snippet in the README and docs/ works as shown: the offline ones are run here, in a
sandbox project, with this checkout's leaklint as the `leaklint` command; the ones that need a
network (pip installs, GitHub Actions) must say so with a `# needs network` line."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from leaklint.config import config_from_table

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NETWORK = "# needs network"
SLOW = "# takes minutes"
# commands that reach the network (PyPI, a git host): a block holding one must be marked
NEEDS_NETWORK = re.compile(r"pip install|git clone|fetch\.py|python -m build|\buses:|^\s*- repo: (?!local)", re.M)

LEAKY = "def read(p):\n    f = open(p)\n    return f.read()\n"
LEAKY_METHOD = "import functools\n\nclass Handler:\n    @functools.lru_cache(maxsize=None)\n    def price(self, sku):\n        return len(sku)\n"


def blocks() -> List[Tuple[str, str, str]]:
    out = []
    for path in DOC_FILES:
        text = path.read_text(encoding="utf-8")
        for lang, body in re.findall(r"```(\w*)\n(.*?)```", text, re.S):
            out.append((path.relative_to(ROOT).as_posix(), lang, body))
    return out


def ids(items: List[Tuple[str, str, str]]) -> List[str]:
    return [f"{p}-{lang}-{n}" for n, (p, lang, _) in enumerate(items)]


ALL = blocks()
SH = [b for b in ALL if b[1] == "sh"]
YAML = [b for b in ALL if b[1] == "yaml"]
TOML = [b for b in ALL if b[1] == "toml"]


def test_network_snippets_are_marked() -> None:
    unmarked = [f"{p}: {body.strip().splitlines()[0]}" for p, lang, body in ALL if NEEDS_NETWORK.search(body) and NETWORK not in body]
    assert unmarked == []
    # nothing points at a package index entry or a repository that does not exist
    for path in DOC_FILES:
        text = path.read_text(encoding="utf-8")
        assert "pip install leaklint-mem" not in text and "OWNER/" not in text and "rev: v0.1.0" not in text, path


@pytest.fixture
def sandbox(tmp_path: Path) -> Tuple[Path, dict]:
    """A project with leaky code, and a PATH whose `leaklint`, `flake8` and `python` are this
    checkout's."""
    project = tmp_path / "project"
    (project / "src" / "shop").mkdir(parents=True)
    (project / "src" / "shop" / "handler.py").write_text(LEAKY_METHOD)
    (project / "src" / "io_utils.py").write_text(LEAKY)
    (project / "app.py").write_text(LEAKY)
    (project / "file.py").write_text(LEAKY)
    (project / "notebooks").mkdir()
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": LEAKY}],
          "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}, "nbformat": 4, "nbformat_minor": 5}
    (project / "notebooks" / "analysis.ipynb").write_text(json.dumps(nb))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, module in (("leaklint", "leaklint"), ("flake8", "flake8"), ("pre-commit", "pre_commit")):
        shim = bin_dir / name
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m {module} "$@"\n')
        shim.chmod(0o755)
    (bin_dir / "python").symlink_to(sys.executable)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "NO_COLOR", "FORCE_COLOR"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONPATH=str(ROOT), HOME=str(tmp_path))
    return project, env


def run_line(line: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("source, lang, body", SH, ids=ids(SH))
def test_shell_snippet(source: str, lang: str, body: str, sandbox: Tuple[Path, dict]) -> None:
    if NETWORK in body or SLOW in body:
        pytest.skip("needs a network or takes minutes: marked in the docs")
    project, env = sandbox
    ran = 0
    for line in body.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        proc = run_line(line, project, env)
        assert proc.returncode in (0, 1), f"{source}: {line}\n{proc.stdout}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr and "error:" not in proc.stderr, f"{line}\n{proc.stderr}"
        ran += 1
    assert ran


@pytest.mark.parametrize("source, lang, body", TOML, ids=ids(TOML))
def test_toml_snippet(source: str, lang: str, body: str) -> None:
    data = tomllib.loads(body)
    if "tool" in data:  # a [tool.leaklint] example: valid configuration, every key known
        config_from_table(data["tool"]["leaklint"], source=source)
    else:  # Helix's languages.toml: starts `leaklint server`
        server = data["language-server"]["leaklint"]
        assert (server["command"], server["args"]) == ("leaklint", ["server"])
        assert "leaklint" in data["language"][0]["language-servers"]


def test_editor_settings_start_the_server() -> None:
    text = (ROOT / "docs" / "integrations.md").read_text(encoding="utf-8")
    vscode = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    assert (vscode["glspc.server.command"], vscode["glspc.server.commandArguments"]) == ("leaklint", ["server"])
    lua = re.search(r"```lua\n(.*?)```", text, re.S).group(1)
    assert 'cmd = { "leaklint", "server" }' in lua and "vim.lsp.start" in lua


@pytest.mark.parametrize("source, lang, body", YAML, ids=ids(YAML))
def test_yaml_snippet(source: str, lang: str, body: str, sandbox: Tuple[Path, dict]) -> None:
    data = yaml.safe_load(body)
    project, env = sandbox
    if isinstance(data, dict) and "jobs" in data:
        # a GitHub Actions workflow: runs on GitHub (marked); its leaklint steps run here
        assert NETWORK in body
        steps = [s["run"] for job in data["jobs"].values() for s in job["steps"] if "run" in s and s["run"].startswith("leaklint")]
        assert steps
        assert run_line("leaklint --write-baseline .leaklint-baseline.json", project, env).returncode == 0
        for step in steps:
            proc = run_line(step, project, env)
            assert proc.returncode in (0, 1) and "error" not in proc.stderr, (step, proc.stderr)
        return
    if isinstance(data, list):  # a fragment: extra args for one of the published hooks
        published = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
        assert data[0]["id"] in published and "--force-exclude" in data[0]["args"]
        return
    repo = data["repos"][0]
    if repo["repo"] != "local":
        # pre-commit installs leaklint from a clone: tests/test_precommit.py runs that form
        assert NETWORK in body and repo["hooks"][0]["id"] == "leaklint"
        return
    # the repo: local form, for real, offline
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git_env = {**env, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t.invalid", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t.invalid", "PRE_COMMIT_HOME": str(project.parent / "pre-commit-home")}
    (project / ".pre-commit-config.yaml").write_text(body)
    for cmd in ("git init -q", "git add -A"):
        assert run_line(cmd, project, git_env).returncode == 0
    proc = run_line("pre-commit run --all-files", project, git_env)
    assert proc.returncode == 1 and "leaklint" in proc.stdout and "Failed" in proc.stdout, proc.stdout + proc.stderr
    assert "src/shop/handler.py:5:9: LL103" in proc.stdout
    assert "notebooks/analysis.ipynb:cell 1:2:9: LL401" in proc.stdout  # notebooks too
    for leaky in ("src/shop/handler.py", "src/io_utils.py", "app.py", "file.py"):
        (project / leaky).write_text("x = 1\n")
    (project / "notebooks" / "analysis.ipynb").unlink()
    assert run_line("git add -A", project, git_env).returncode == 0
    proc = run_line("pre-commit run --all-files", project, git_env)
    assert proc.returncode == 0 and "Passed" in proc.stdout, proc.stdout + proc.stderr


def test_flake8_setup_cfg_snippet(sandbox: Tuple[Path, dict]) -> None:
    text = (ROOT / "docs" / "integrations.md").read_text(encoding="utf-8")
    ini = re.search(r"```ini\n(.*?)```", text, re.S).group(1)
    project, env = sandbox
    (project / "setup.cfg").write_text(ini)
    proc = run_line("flake8 --select LL src/", project, env)
    assert proc.returncode == 1 and "LL103" in proc.stdout, proc.stdout + proc.stderr
