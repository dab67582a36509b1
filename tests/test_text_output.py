"""Text output as a ruff user knows it: source line and caret, colour, fix markers and hints,
the rule page, a progress bar, the opt-in hint. Machine formats stay as they were."""

import io
import json
import os
import time
import pty
import re
import select
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

from leaklint import output
from leaklint.cli import main
from leaklint.types import Applicability, Confidence, Edit, Finding, Fix

ROOT = Path(__file__).resolve().parent.parent
LEAKY = "import functools\n\nclass Service:\n    @functools.lru_cache(maxsize=None)\n    def lookup(self, key):\n        return key\n"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def finding(path: str, fix: Fix = None, **kw) -> Finding:  # type: ignore[assignment]
    data = dict(path=path, line=5, column=9, end_line=5, end_column=15, code="LL103", name="cached-instance-method",
                message="lru_cache on method Service.lookup keeps every instance alive", confidence=Confidence.HIGH, fix=fix)
    data.update(kw)
    return Finding(**data)


SAFE = Fix("Use functools.cached_property", Applicability.SAFE, (Edit(4, 5, 4, 39, "@functools.cached_property"),))
UNSAFE = Fix("Drop the cache", Applicability.UNSAFE, (Edit(4, 5, 5, 1, ""),))


def test_plain_text_is_unchanged_without_a_terminal(tmp_path: Path) -> None:
    out = io.StringIO()
    output.write_text([finding(str(tmp_path / "x.py"))], out)
    assert out.getvalue() == f"{tmp_path / 'x.py'}:5:9: LL103 lru_cache on method Service.lookup keeps every instance alive\n"


def test_fix_markers_safe_and_unsafe() -> None:
    out = io.StringIO()
    output.write_text([finding("a.py", SAFE), finding("b.py", UNSAFE), finding("c.py")], out)
    assert out.getvalue().splitlines() == [
        "a.py:5:9: LL103 [*] lru_cache on method Service.lookup keeps every instance alive",
        "b.py:5:9: LL103 [~] lru_cache on method Service.lookup keeps every instance alive",
        "c.py:5:9: LL103 lru_cache on method Service.lookup keeps every instance alive",
    ]


def test_source_caret_help_and_docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(output.DOCS_URL_ENV, raising=False)
    path = tmp_path / "m.py"
    path.write_text(LEAKY)
    out = io.StringIO()
    output.write_text([finding(str(path)), finding(str(path), SAFE), finding(str(path), UNSAFE)], out, show_source=True)
    blocks = out.getvalue().split("\n\n")
    assert blocks[0].splitlines()[1:] == [
        "  |",
        "5 |     def lookup(self, key):",
        "  |         ^^^^^^ LL103",
        "  |",
        "  = help: Cache per instance (cached_property or a dict on self), or cache a function that does not take self",
        "  = docs: leaklint --explain LL103",
    ]
    assert "  = help: Use functools.cached_property" in blocks[1].splitlines()
    assert "  = help: Drop the cache (unsafe: applied only with --unsafe-fixes)" in blocks[2].splitlines()
    assert ANSI.search(out.getvalue()) is None
    monkeypatch.setenv(output.DOCS_URL_ENV, "https://git.example.org/leaklint/src/main/docs/rules/")
    out = io.StringIO()
    output.write_text([finding(str(path))], out, show_source=True)
    assert "  = docs: https://git.example.org/leaklint/src/main/docs/rules/LL103.md\n" in out.getvalue()


def test_caret_with_tabs_and_multiline_range(tmp_path: Path) -> None:
    path = tmp_path / "t.py"
    path.write_text("x = 1\n\tf = open(p,\n\t\tq)\n")
    out = io.StringIO()
    output.write_text([finding(str(path), line=2, column=6, end_line=3, end_column=5, code="LL000")], out, show_source=True)
    lines = out.getvalue().splitlines()
    assert lines[2] == "2 |     f = open(p,"
    assert lines[3] == "  |         " + "^" * len("open(p,") + " LL000"
    assert "help" not in out.getvalue()  # LL000 has no fix


def test_colour_choice_and_environment() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Tty(), io.StringIO()
    assert output.use_color("auto", tty, {}) is True
    assert output.use_color("auto", pipe, {}) is False
    assert output.use_color("auto", tty, {"NO_COLOR": "1"}) is False
    assert output.use_color("auto", tty, {"NO_COLOR": ""}) is True  # set but empty: no-color.org says ignore
    assert output.use_color("auto", tty, {"TERM": "dumb"}) is False
    assert output.use_color("auto", pipe, {"FORCE_COLOR": "1"}) is True
    assert output.use_color("auto", pipe, {"FORCE_COLOR": "0"}) is False
    assert output.use_color("always", pipe, {"NO_COLOR": "1"}) is True
    assert output.use_color("never", tty, {"FORCE_COLOR": "1"}) is False
    out = io.StringIO()
    output.write_text([finding("a.py", SAFE)], out, color=True)
    assert "\x1b[31;1mLL103\x1b[0m" in out.getvalue() and "\x1b[36;1m[*]\x1b[0m" in out.getvalue()
    assert ANSI.sub("", out.getvalue()) == "a.py:5:9: LL103 [*] lru_cache on method Service.lookup keeps every instance alive\n"


def test_progress_bar_only_after_the_delay_and_erased() -> None:
    now = [0.0]
    stream = io.StringIO()
    bar = output.Progress(10, stream, enabled=True, delay=1.5, interval=0.1, clock=lambda: now[0])
    bar.advance()
    assert stream.getvalue() == ""  # a short run shows nothing
    now[0] = 2.0
    bar.advance()
    assert stream.getvalue() == "\rleaklint [======>                       ] 2/10 files 2s"
    now[0] = 2.01
    bar.advance()  # within the redraw interval: not drawn
    assert stream.getvalue().count("\r") == 1
    bar.finish()
    assert stream.getvalue().endswith("\r\x1b[K")
    quiet = io.StringIO()
    off = output.Progress(10, quiet, enabled=False, clock=lambda: 100.0)
    off.advance()
    off.finish()
    assert quiet.getvalue() == ""


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    for n in range(3):
        (tmp_path / "pkg" / f"m{n}.py").write_text(LEAKY)
    return tmp_path


@pytest.mark.parametrize("fmt, shown", [("text", True), ("json", False), ("sarif", False), ("github", False)])
def test_progress_through_the_cli_only_for_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, fmt: str, shown: bool) -> None:
    monkeypatch.chdir(_tree(tmp_path))
    monkeypatch.setattr(output, "_isatty", lambda stream: stream is sys.stderr)  # a terminal on stderr only
    monkeypatch.setattr(output.Progress.__init__, "__defaults__", (0.0, 0.0, None))  # no delay
    assert main(["pkg", "--no-cache", "--format", fmt, "-j", "1"]) == 1
    out, err = capsys.readouterr()
    assert ("leaklint [" in err and "3/3 files" in err and "\r\x1b[K" in err) is shown
    assert "leaklint [" not in out
    assert main(["pkg", "--no-cache", "-q", "-j", "1"]) == 1
    assert "leaklint [" not in capsys.readouterr().err


def test_summary_hints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(_tree(tmp_path))
    from leaklint.registry import all_rules

    opt_in = sum(1 for r in all_rules() if not r.default_enabled)
    assert main(["pkg", "--no-cache"]) == 1
    err = capsys.readouterr().err
    assert f"leaklint: {opt_in} opt-in rules are off: preview them with --extend-select ALL, list them with --list-rules." in err
    assert main(["pkg", "--no-cache", "--extend-select", "ALL"]) == 1
    assert "opt-in" not in capsys.readouterr().err
    assert main(["pkg", "--no-cache", "--format", "json"]) == 1
    assert "opt-in" not in capsys.readouterr().err  # machine formats: only the summary line
    from leaklint.cli import _summary_hints
    from leaklint.config import Config

    hints = _summary_hints([finding("a.py", SAFE), finding("b.py", SAFE), finding("c.py", UNSAFE)], Config(select=("ALL",)))
    assert hints == ["2 fixable with --fix (1 more with --fix --unsafe-fixes)."]


def test_machine_formats_carry_the_fix_and_no_decoration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(_tree(tmp_path))
    monkeypatch.setattr(output, "_isatty", lambda stream: True)
    assert main(["pkg", "--no-cache", "--format", "json", "--color", "always"]) == 1
    out = capsys.readouterr().out
    assert ANSI.search(out) is None and "|" not in out
    assert json.loads(out)[0]["fix"] is None and "cell" not in json.loads(out)[0]
    buf = io.StringIO()
    output.write_json([finding("a.py", SAFE)], buf)
    assert json.loads(buf.getvalue())[0]["fix"]["applicability"] == "safe"


def _run_in_pty(args: List[str], cwd: Path, env_extra: dict) -> Tuple[str, int]:
    """Run leaklint with stdout and stderr on a real pseudo-terminal."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "LEAKLINT_DOCS_URL")}
    env.update({"PYTHONPATH": str(ROOT), "TERM": "xterm", **env_extra})
    proc = subprocess.Popen([sys.executable, "-m", "leaklint", *args], cwd=cwd, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n"), proc.wait(timeout=60)


def test_on_a_real_terminal(tmp_path: Path) -> None:
    _tree(tmp_path)
    text, code = _run_in_pty(["pkg/m0.py", "--no-cache"], tmp_path, {})
    assert code == 1
    assert "\x1b[31;1mLL103\x1b[0m" in text  # colour
    plain = ANSI.sub("", text)
    assert "5 |     def lookup(self, key):\n  |         ^^^^^^ LL103\n" in plain
    assert "= docs: leaklint --explain LL103" in plain and "opt-in rules are off" in plain
    text, code = _run_in_pty(["pkg/m0.py", "--no-cache"], tmp_path, {"NO_COLOR": "1"})
    assert ANSI.search(text) is None and "^^^^^^ LL103" in text
    text, code = _run_in_pty(["pkg/m0.py", "--no-cache", "--no-show-source", "--color", "never"], tmp_path, {})
    # (a slow machine may have drawn and erased the progress bar on stderr first)
    text = re.sub(r"\rleaklint \[[^\r]*|\r\x1b\[K", "", text)
    assert text.splitlines()[0] == "pkg/m0.py:5:9: LL103 lru_cache on method Service.lookup keeps every instance it is called on alive for the life of the class"
    # piped: the plain one-line format, whatever the terminal on stderr
    proc = subprocess.run([sys.executable, "-m", "leaklint", "pkg/m0.py", "--no-cache"], cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.count("\n") == 1 and ANSI.search(proc.stdout) is None


def test_cached_run_with_hints_and_source_never_imports_the_rules(tmp_path: Path) -> None:
    """The summary hint and the `= help:` line read leaklint/catalogue.json, not the rules: a run
    answered from the cache still never imports libcst."""
    _tree(tmp_path)
    for n in range(3):
        path = tmp_path / "pkg" / f"m{n}.py"
        os.utime(path, (path.stat().st_mtime - 60, path.stat().st_mtime - 60))  # outside the racy window
    # the stat index also wants the inode change time outside the racy window (a `cp -p` keeps
    # the mtime but not the ctime), and utime itself sets the ctime: wait it out
    from leaklint.runner import RACY_SECONDS

    time.sleep(RACY_SECONDS + 0.5)
    script = (
        "import sys; from leaklint.cli import main; "
        "code = main(['pkg', '--cache-dir', 'cache', '--show-source']); "
        "print('LIBCST' if 'libcst' in sys.modules else 'NO-LIBCST', code)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert first.stdout.strip().endswith("LIBCST 1")
    # (the cache salt covers the shared virtualenv's site-packages: a package installed by
    # something else between two runs re-lints once, so allow a second try)
    for _ in range(2):
        second = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, env=env)
        if second.stdout.strip().endswith("NO-LIBCST 1"):
            break
    assert second.stdout.strip().endswith("NO-LIBCST 1"), second.stdout + second.stderr
    assert "= help: Cache per instance" in second.stdout and "opt-in rules are off" in second.stderr
    assert second.stdout.replace("NO-LIBCST", "") == first.stdout.replace("LIBCST", "")


def test_catalogue_matches_the_rules() -> None:
    from leaklint.docs import CATALOGUE, render_catalogue

    assert CATALOGUE.read_text(encoding="utf-8") == render_catalogue()
