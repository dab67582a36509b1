"""The lifetime model wired into the engine, the CLI runner and the flake8 plugin: a finding that
depends on another module of the project is made by each of them, and without a project (a
bare `lint_source`, stdin) rules fall back to what one file shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from leaklint import cli
from leaklint.analysis.project import build_index
from leaklint.config import Config, merge_rule_options
from leaklint.engine import lint_source

ROOT = Path(__file__).resolve().parent.parent

# a file never closed; whether it is reported depends on how often _read_one runs, which only
# app.py says (a loop: repeatedly; a module-level call: once per process, released at exit)
READER = "def _read_one(path):\n    f = open(path)\n    data = f.read()\n    return data\n"
LOOP_CALLER = "from .reader import _read_one\n\n\ndef read_all(paths):\n    out = []\n    for p in paths:\n        out.append(_read_one(p))\n    return out\n"
ONCE_CALLER = "from .reader import _read_one\n\n\nCONFIG = _read_one('settings.ini')\n"


def make(tmp_path: Path, files: Dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def cli_findings(root: Path, paths: List[str], *extra: str) -> List[dict]:
    out = root / "findings.json"
    old = os.getcwd()
    os.chdir(root)
    try:
        rc = cli.main([*paths, "--format", "json", "-o", str(out), "-q", *extra])
    finally:
        os.chdir(old)
    assert rc in (0, 1)
    return json.loads(out.read_text())


def test_cli_finding_depends_on_another_module(tmp_path: Path) -> None:
    root = make(tmp_path, {"pkg/__init__.py": "", "pkg/reader.py": READER, "pkg/app.py": LOOP_CALLER})
    found = cli_findings(root, ["pkg"], "--no-cache", "-j", "1")
    assert [(f["path"], f["line"], f["code"]) for f in found] == [("pkg/reader.py", 2, "LL401")]
    assert "never closed" in found[0]["message"]
    # checking only the reader still sees the whole project (as pre-commit passes one file)
    only = cli_findings(root, ["pkg/reader.py"], "--no-cache", "-j", "1")
    assert [(f["path"], f["line"], f["code"]) for f in only] == [("pkg/reader.py", 2, "LL401")]


def test_cli_once_caller_gives_no_finding(tmp_path: Path) -> None:
    root = make(tmp_path, {"pkg/__init__.py": "", "pkg/reader.py": READER, "pkg/app.py": ONCE_CALLER})
    assert cli_findings(root, ["pkg"], "--no-cache", "-j", "1") == []


def test_result_cache_follows_changes_in_other_modules(tmp_path: Path) -> None:
    root = make(tmp_path, {"pkg/__init__.py": "", "pkg/reader.py": READER, "pkg/app.py": ONCE_CALLER})
    assert cli_findings(root, ["pkg"], "--cache-dir", ".cache") == []
    (root / "pkg" / "app.py").write_text(LOOP_CALLER)  # reader.py unchanged, its finding appears
    assert [f["line"] for f in cli_findings(root, ["pkg"], "--cache-dir", ".cache")] == [2]
    from leaklint.runner import CACHE_LAYOUT

    assert os.path.isdir(root / ".cache" / CACHE_LAYOUT / "summaries")


def test_pool_workers_share_the_model(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/reader.py": READER, "pkg/app.py": LOOP_CALLER}
    files.update({f"pkg/filler{i}.py": f"X{i} = {i}\n" for i in range(6)})
    root = make(tmp_path, files)
    found = cli_findings(root, ["pkg"], "--no-cache", "-j", "2")
    assert [(f["path"], f["line"]) for f in found] == [("pkg/reader.py", 2)]


def test_without_a_project_rules_judge_one_file(tmp_path: Path) -> None:
    root = make(tmp_path, {"pkg/__init__.py": "", "pkg/reader.py": READER, "pkg/app.py": ONCE_CALLER})
    # no project: the file alone shows a file never closed
    assert [(f.line, f.code) for f in lint_source(READER, "pkg/reader.py", Config())] == [(2, "LL401")]
    # the model: _read_one runs once per process (called at import), so nothing is reported
    project = build_index([str(root / "pkg" / "reader.py")])
    assert lint_source(READER, str(root / "pkg" / "reader.py"), Config(), project=project) == []
    # stdin through the CLI has no project either
    proc = subprocess.run(
        [sys.executable, "-m", "leaklint", "-", "--stdin-filename", "pkg/reader.py", "--no-cache"],
        input=READER, capture_output=True, text=True, cwd=root, timeout=300,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert proc.returncode == 1 and "pkg/reader.py:2:" in proc.stdout, proc.stdout + proc.stderr


def test_flake8_plugin_sees_the_same_model(tmp_path: Path) -> None:
    pytest.importorskip("flake8")
    root = make(tmp_path, {"pkg/__init__.py": "", "pkg/reader.py": READER, "pkg/app.py": LOOP_CALLER})
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LL", "pkg/reader.py"],
        capture_output=True, text=True, cwd=root, timeout=300,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert [line.split(" ")[0] for line in proc.stdout.splitlines()] == ["pkg/reader.py:2:9:"]



def test_an_ignored_tree_inside_the_project_is_not_part_of_its_model(tmp_path: Path) -> None:
    # a downloaded corpus (or a virtual environment) inside the checkout, listed in .gitignore:
    # neither the CLI nor the flake8 plugin reads it into the model. Were it read, its loop would
    # make _read_one repeated and the file it leaves open a finding.
    pytest.importorskip("flake8")
    root = make(tmp_path, {
        "pkg/__init__.py": "", "pkg/reader.py": READER, "pkg/app.py": ONCE_CALLER,
        "corpus/caller.py": LOOP_CALLER.replace("from .reader", "from pkg.reader"),
        ".gitignore": "corpus/\n",
    })
    assert cli_findings(root, ["pkg/reader.py"], "--no-cache", "-j", "1") == []
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LL", "pkg/reader.py"],
        capture_output=True, text=True, cwd=root, timeout=300,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout == ""
    # the same tree, no longer ignored, is part of the project: both now report the file
    (root / ".gitignore").write_text("")
    assert [f["line"] for f in cli_findings(root, ["pkg/reader.py"], "--no-cache", "-j", "1")] == [2]
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LL", "pkg/reader.py"],
        capture_output=True, text=True, cwd=root, timeout=300,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert [line.split(" ")[0] for line in proc.stdout.splitlines()] == ["pkg/reader.py:2:9:"], proc.stdout + proc.stderr


CONN = '''import socket


class Conn:
    def __init__(self, host):
        self.sock = socket.create_connection((host, 80))

    def close(self):
        self.sock.close()


class Plain:
    def close(self):
        pass


def ping(host):
    c = Conn(host)
    p = Plain()
    return c.sock.send(b"x"), p
'''

API = '''from . import sessions


def request(method, url):
    session = sessions.Session()
    return session.request(method=method, url=url)
'''


def test_project_classes_that_hold_a_resource_are_resources(tmp_path: Path) -> None:
    root = make(tmp_path, {"pkg/__init__.py": "", "pkg/conn.py": CONN})
    project = build_index([str(root / "pkg" / "conn.py")])
    assert lint_source(CONN, str(root / "pkg" / "conn.py"), Config(), project=project) == []  # opt-in form
    config = merge_rule_options(Config(), "resources", {"project-classes": True})
    found = lint_source(CONN, str(root / "pkg" / "conn.py"), config, project=project)
    assert [(f.line, f.code) for f in found] == [(18, "LL401")]  # Conn holds a socket; Plain holds nothing
    assert lint_source(CONN, "pkg/conn.py", Config()) == []  # one file alone: unknown class


def test_relative_import_of_a_known_resource_inside_its_own_package() -> None:
    # requests' own api.py makes `sessions.Session()`: requests.sessions.Session once the
    # module name is known
    found = lint_source(API, "requests/api.py", Config(), module="requests.api")
    assert [(f.line, f.code) for f in found] == [(5, "LL401")]
    assert "requests.sessions.Session" in found[0].message
    assert lint_source(API, "requests/api.py", Config()) == []


# a close() an exception can skip: reported by default only where the model shows _copy repeats
COPIER = "def _copy(src, data):\n    out = open(src, 'w')\n    out.write(data)\n    out.close()\n"
COPY_LOOP = "from .copier import _copy\n\n\ndef copy_all(items):\n    for src, data in items:\n        _copy(src, data)\n"


def test_error_path_form_follows_the_model(tmp_path: Path) -> None:
    from leaklint.types import Confidence

    root = make(tmp_path, {"pkg/__init__.py": "", "pkg/copier.py": COPIER, "pkg/app.py": COPY_LOOP})
    path = str(root / "pkg" / "copier.py")
    project = build_index([path, str(root / "pkg" / "app.py")])
    found = lint_source(COPIER, path, Config(), project=project, module="pkg.copier")
    assert [(f.line, f.code, f.confidence) for f in found] == [(2, "LL401", Confidence.HIGH)]
    assert "exception" in found[0].message
    # one file alone: the model cannot tell, so only the option reports it (medium)
    assert lint_source(COPIER, "pkg/copier.py", Config()) == []
    config = merge_rule_options(Config(), "resources", {"error-paths": True})
    alone = lint_source(COPIER, "pkg/copier.py", config)
    assert [(f.line, f.confidence) for f in alone] == [(2, Confidence.MEDIUM)]


DEBUGGER = """\
import functools


class Debugger:
    @functools.lru_cache(1024)
    def skip(self, frame):
        return frame is None


def set_trace(frame=None):
    d = Debugger()
    d.skip(frame)
"""

SERVICE = """\
import functools


class Service:
    @functools.lru_cache(1024)
    def lookup(self, key):
        return key


def make_service():
    service = Service()
    return service
"""


def test_bounded_cache_on_a_class_made_per_call_and_dropped_is_reported(tmp_path: Path) -> None:
    root = make(tmp_path, {"pkg/__init__.py": "", "pkg/dbg.py": DEBUGGER, "pkg/svc.py": SERVICE})
    project = build_index([str(root / "pkg" / "dbg.py")])
    # without the model a bounded cache is not reported by default
    assert lint_source(DEBUGGER, "pkg/dbg.py", Config()) == []
    found = lint_source(DEBUGGER, str(root / "pkg" / "dbg.py"), Config(), project=project, module="pkg.dbg")
    assert [(f.code, f.line) for f in found] == [("LL103", 6)]
    # an instance handed back to the caller may be kept for long: the bounded cache stays quiet
    assert lint_source(SERVICE, str(root / "pkg" / "svc.py"), Config(), project=project, module="pkg.svc") == []


ISSUES = """\
class Warning:
    _by_code = {}

    def __init__(self, code):
        self.code = code
        Warning._by_code[code] = self
"""


def test_registry_of_instances_made_only_at_import_is_not_reported(tmp_path: Path) -> None:
    consts = "from .issues import Warning\n\nEMPTY = Warning(1)\nBAD = Warning(2)\n"
    loop = "from .issues import Warning\n\n\ndef check(codes):\n    for c in codes:\n        Warning(c)\n"
    config = Config(select=("LL201",))
    root = make(tmp_path, {"pkg/__init__.py": "", "pkg/issues.py": ISSUES, "pkg/warnings.py": consts})
    project = build_index([str(root / "pkg" / "issues.py")])
    assert lint_source(ISSUES, str(root / "pkg" / "issues.py"), config, project=project, module="pkg.issues") == []
    (root / "pkg" / "check.py").write_text(loop)  # now instances are made in a loop too
    project = build_index([str(root / "pkg" / "issues.py")])
    found = lint_source(ISSUES, str(root / "pkg" / "issues.py"), config, project=project, module="pkg.issues")
    assert [(f.code, f.line) for f in found] == [("LL201", 6)]
