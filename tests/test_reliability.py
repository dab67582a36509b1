"""Reliability: no input, path, cache state or signal destroys a file, hangs a run, crashes it
or loses a finding. One test (or more) per numbered point of the reliability issue, named
after it; each failed before its fix."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import List

import pytest

from leaklint import engine, runner
from leaklint.cli import main
from leaklint.config import Config, config_from_table
from leaklint.engine import lint_source
from leaklint.runner import Cache, check_files

ROOT = Path(__file__).resolve().parent.parent
# subprocesses run the leaklint these tests imported (so the tests can be run against an
# older checkout: PYTHONPATH=/old/checkout pytest ...)
CODE = Path(engine.__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=str(CODE))

LEAKY = """\
import functools

class Service:
    @functools.lru_cache(maxsize=None)
    def lookup(self, key):
        return key
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(LEAKY)
    return tmp_path


def cli(*argv: str, cwd: Path, timeout: float = 120, stdin=None, env=None, input=None) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    if input is not None:
        return subprocess.run(
            [sys.executable, "-m", "leaklint", *argv], cwd=cwd, env=env or ENV, capture_output=True, timeout=timeout, input=input
        )
    return subprocess.run(
        [sys.executable, "-m", "leaklint", *argv], cwd=cwd, env=env or ENV, capture_output=True, timeout=timeout, stdin=stdin
    )


def one_error_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text, text
    lines = [l for l in text.splitlines() if l.startswith("leaklint: error:")]
    assert len(lines) == 1, text
    return lines[0]


# ------------------------------------------------------------------ 1. destroys data
def test_point_1_dev_null_write_through(project: Path) -> None:
    # a character device like /dev/null (made here, so the machine's own is never at risk)
    device = project / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here (not root)")
    assert main(["-q", "--no-cache", "-o", str(device), "pkg"]) == 1
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert [p.name for p in project.iterdir() if p.name.startswith(".")] == []


def test_point_1_fifo_write_through(project: Path) -> None:
    fifo = project / "out.fifo"
    os.mkfifo(fifo)
    got: List[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as fh:
            got.append(fh.read())

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    assert main(["-q", "--no-cache", "-o", str(fifo), "pkg"]) == 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    t.join(30)
    assert b"LL103" in got[0]


def test_point_1_symlink_target_written(project: Path) -> None:
    (project / "real.txt").write_text("old\n")
    (project / "link.txt").symlink_to("real.txt")
    assert main(["-q", "--no-cache", "-o", "link.txt", "pkg"]) == 1
    assert (project / "link.txt").is_symlink()
    assert "LL103" in (project / "real.txt").read_text()


def test_point_1_baseline_keeps_mode_and_new_files_get_the_umask(project: Path) -> None:
    target = project / "baseline.json"
    target.write_text("{}")
    os.chmod(target, 0o644)
    assert main(["-q", "--write-baseline", "baseline.json", "pkg"]) == 0
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    assert json.loads(target.read_text())["findings"]
    old = os.umask(0o022)
    try:
        assert main(["-q", "--write-baseline", "fresh.json", "pkg"]) == 0
        assert main(["-q", "--no-cache", "-o", "fresh.txt", "pkg"]) == 1
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(project / "fresh.json").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(project / "fresh.txt").st_mode) == 0o644


def test_point_1_write_text_atomic_for_other_writers(tmp_path: Path) -> None:
    from leaklint.fsutil import write_text_atomic

    target = tmp_path / "code.py"
    target.write_text("x = 1\n")
    os.chmod(target, 0o755)
    write_text_atomic(str(target), "x = 2\n")
    assert target.read_text() == "x = 2\n" and stat.S_IMODE(os.stat(target).st_mode) == 0o755
    assert sorted(p.name for p in tmp_path.iterdir()) == ["code.py"]


# ------------------------------------------------------------------ 2. FIFOs, devices, size
def test_point_2_fifo_in_tree_is_ll000_not_a_hang(project: Path) -> None:
    os.mkfifo(project / "pkg" / "x.py")
    proc = cli("--no-cache", "--format", "json", "pkg", cwd=project, timeout=120)
    found = json.loads(proc.stdout)
    ll000 = [f for f in found if f["code"] == "LL000"]
    assert [f["path"] for f in ll000] == ["pkg/x.py"] and "FIFO" in ll000[0]["message"]
    assert {f["code"] for f in found} == {"LL000", "LL103"}


def test_point_2_symlink_to_dev_zero_is_ll000(project: Path) -> None:
    (project / "pkg" / "z.py").symlink_to("/dev/zero")
    proc = cli("--no-cache", "--format", "json", "pkg", cwd=project, timeout=120)
    assert b"MemoryError" not in proc.stderr and proc.returncode == 1
    found = json.loads(proc.stdout)
    assert [(f["path"], f["code"]) for f in found if f["code"] == "LL000"] == [("pkg/z.py", "LL000")]
    assert "character device" in [f for f in found if f["code"] == "LL000"][0]["message"]


def test_point_2_size_limit_is_configurable(project: Path, capsys: pytest.CaptureFixture) -> None:
    big = project / "pkg" / "big.py"
    big.write_text("x = 1\n" * 1000)
    assert main(["-q", "--no-cache", "--format", "json", "--max-file-size", "1000", "pkg"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert [f["message"].split(":")[0] for f in found if f["path"] == "pkg/big.py"] == ["file too large to analyze"]
    (project / "pyproject.toml").write_text("[tool.leaklint]\nmax-file-size = 0\n")
    assert main(["-q", "--no-cache", "--format", "json", "pkg"]) == 1
    assert not [f for f in json.loads(capsys.readouterr().out) if f["code"] == "LL000"]
    assert Config().max_file_size > 0  # a limit by default


# ------------------------------------------------------------------ 5. cost without a limit
@pytest.mark.parametrize("jobs", [1, 2])
def test_point_5_huge_files_are_ll000_by_default(project: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """Two 20 MB files (13 s and 1 GB of memory per MB if analysed) under the default
    configuration: LL000 each, without being read whole, and the rest of the run is checked."""
    for name in ("big1.py", "big2.py"):
        with open(project / "pkg" / name, "wb") as fh:
            fh.truncate(20 * 1024 * 1024)  # sparse: NUL bytes, were it read
    monkeypatch.setattr(runner, "default_jobs", lambda: 2)
    results = {r.path: r for r in check_files(["pkg/big1.py", "pkg/big2.py", "pkg/m.py"], Config(), jobs, None)}
    for name in ("pkg/big1.py", "pkg/big2.py"):
        assert [f.code for f in results[name].findings] == ["LL000"]
        assert results[name].findings[0].message == f"file too large to analyze: {20 * 1024 * 1024} bytes (max-file-size is {Config().max_file_size})"
    assert [f.code for f in results["pkg/m.py"].findings] == ["LL103"]


# ------------------------------------------------------------------ 3. dead workers
def _die_on(name: str):  # type: ignore[no-untyped-def]
    original = runner._check_chunk

    def check(chunk):  # type: ignore[no-untyped-def]
        if any(path.endswith(name) for _, path in chunk):
            os.kill(os.getpid(), signal.SIGKILL)
        return original(chunk)

    return check


@pytest.mark.parametrize("jobs", [1, 2])
def test_point_3_killed_worker_is_reported_not_waited_for(project: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    for i in range(6):
        (project / "pkg" / f"f{i}.py").write_text(LEAKY)
    (project / "pkg" / "die.py").write_text(LEAKY)
    monkeypatch.setattr(runner, "_check_chunk", _die_on("die.py"))
    monkeypatch.setattr(runner, "default_jobs", lambda: 2)
    paths = sorted(str(p.relative_to(project)) for p in (project / "pkg").glob("*.py"))
    results = {r.path: r for r in check_files(paths, Config(), jobs, None)}
    assert len(results) == 8
    died = results["pkg/die.py"]
    assert [f.code for f in died.findings] == ["LL000"] and "SIGKILL" in died.findings[0].message
    assert all([f.code for f in r.findings] == ["LL103"] for p, r in results.items() if p != "pkg/die.py")


# ------------------------------------------------------------------ 4. nesting past newer syntax, time budget
@pytest.mark.parametrize("chain", [".a", "+a"])
def test_point_4_nesting_guard_past_newer_syntax(chain: str) -> None:
    source = "type Alias = int\nx = y" + chain * 20000 + "\n"
    code = (
        "import sys\nfrom leaklint.engine import lint_source\n"
        f"f = lint_source(sys.stdin.read(), 'x.py')\nprint([x.code for x in f], f and f[0].message)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], input=source, text=True, env=ENV, capture_output=True, timeout=120)
    assert proc.stdout.startswith("['LL000']"), proc.stderr
    assert "nested" in proc.stdout or "too many" in proc.stdout


def _slow_on(name: str, seconds: float, marker: str = ""):  # type: ignore[no-untyped-def]
    original = runner._check_chunk

    def check(chunk):  # type: ignore[no-untyped-def]
        if any(path.endswith(name) for _, path in chunk):
            if marker:
                Path(marker, str(os.getpid())).write_text("")
            time.sleep(seconds)
        return original(chunk)

    return check


@pytest.mark.parametrize("jobs", [1, 2])
def test_point_4_time_budget_on_sequential_and_pool(project: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    (project / "pkg" / "slow.py").write_text(LEAKY)
    (project / "pkg" / "other.py").write_text(LEAKY)
    monkeypatch.setattr(runner, "_check_chunk", _slow_on("slow.py", 600))
    monkeypatch.setattr(runner, "default_jobs", lambda: 2)
    config = Config(file_timeout=1.0)
    paths = ["pkg/m.py", "pkg/other.py", "pkg/slow.py"]
    results = {r.path: r for r in check_files(paths, config, jobs, None)}
    assert [f.code for f in results["pkg/slow.py"].findings] == ["LL000"]
    assert results["pkg/slow.py"].findings[0].message.startswith("analysis stopped after 1 s")
    assert [f.code for f in results["pkg/other.py"].findings] == ["LL103"]


# A rule plugin (a distribution found on PYTHONPATH through its entry point, as an installed
# one is) that spins in pure Python on any module naming SLOW_ON_PURPOSE: the time budget has
# to stop it, wherever the file is analysed (a CLI worker, stdin, inside flake8's processes).
_SLOW_RULE = '''
import time

from leaklint.rule import Rule
from leaklint.types import Invalid, Valid


class SlowOnPurpose(Rule):
    """
    ## What it does
    Spins for a minute on a module naming SLOW_ON_PURPOSE: the reliability tests' slow file.

    ## Why is this bad?
    It is not.

    ## Known problems
    None.

    ## Fix safety
    No fix.

    ## References
    None.
    """

    code = "LL998"
    name = "slow-on-purpose"
    message = "slow on purpose"
    triggers = ("SLOW_ON_PURPOSE",)
    VALID = (Valid("x = 1\\n"),)
    INVALID = (Invalid("SLOW_ON_PURPOSE = 1  # LL998\\n"),)

    def visit_Name(self, node):
        if node.value == "SLOW_ON_PURPOSE":
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                pass
'''


@pytest.fixture(scope="module")
def slow_plugin(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The environment of a leaklint (or flake8) subprocess that has the slow rule installed."""
    where = tmp_path_factory.mktemp("slow-plugin")
    (where / "slowrule.py").write_text(_SLOW_RULE)
    info = where / "slowrule-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: slowrule\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[leaklint.rules]\nslow = slowrule\n")
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(CODE), str(where)]))


SLOW = "SLOW_ON_PURPOSE = 1\n" + LEAKY
TIMEOUT_LL000 = "LL000 analysis stopped after 0.5 s (file-timeout); the file is too large or too deeply nested to analyze in time"


def test_point_4_time_budget_on_stdin(project: Path, slow_plugin: dict) -> None:
    """`leaklint -` gets the budget files get: LL000, exit 2, and the other path's findings."""
    (project / "pkg" / "other.py").write_text(LEAKY)
    proc = cli(
        "--no-cache", "--file-timeout", "0.5", "--stdin-filename", "pkg/slow.py", "-", "pkg/other.py",
        cwd=project, env=slow_plugin, stdin=None, timeout=50, input=SLOW.encode(),
    )
    out = proc.stdout.decode()
    assert f"pkg/slow.py:1:1: {TIMEOUT_LL000}" in out.splitlines(), out
    assert "pkg/other.py:5:9: LL103" in out, out
    assert one_error_line_or_message(proc.stderr) == "leaklint: pkg/slow.py: analysis stopped after 0.5 s (file-timeout); the file is too large or too deeply nested to analyze in time"
    assert proc.returncode == 2


def one_error_line_or_message(stderr: bytes) -> str:
    """The one line about a file the run could not analyse (no traceback)."""
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text, text
    lines = [l for l in text.splitlines() if "analysis stopped" in l]
    assert len(lines) == 1, text
    return lines[0]


def _flake8(args: List[str], cwd: Path, env: dict, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LL", *args], cwd=cwd, env=env, input=stdin.encode(), capture_output=True, timeout=50
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_point_4_time_budget_in_the_flake8_plugin(project: Path, slow_plugin: dict, jobs: str) -> None:
    """Inside flake8's processes: the slow file is one LL000 (the CLI's message) and flake8
    goes on with its other files; the budget comes from [tool.leaklint]."""
    (project / "pyproject.toml").write_text("[tool.leaklint]\nfile-timeout = 0.5\n")
    (project / "a_slow.py").write_text(SLOW)
    (project / "b_other.py").write_text(LEAKY)
    proc = _flake8(["-j", jobs, "a_slow.py", "b_other.py"], project, slow_plugin)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert "Traceback" not in err, err
    assert f"./a_slow.py:1:1: {TIMEOUT_LL000}" in out.splitlines() or f"a_slow.py:1:1: {TIMEOUT_LL000}" in out.splitlines(), out + err
    assert "b_other.py:5:9: LL103" in out, out + err
    assert proc.returncode == 1


def test_point_4_time_budget_in_the_flake8_plugin_on_stdin(project: Path, slow_plugin: dict) -> None:
    """`flake8 -`, the budget from --leaklint-file-timeout."""
    proc = _flake8(["--leaklint-file-timeout", "0.5", "--stdin-display-name", "slow.py", "-"], project, slow_plugin, stdin=SLOW)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert "Traceback" not in err, err
    assert out.splitlines() == [f"slow.py:1:1: {TIMEOUT_LL000}"], out + err
    assert proc.returncode == 1


def test_point_4_lint_source_timeout_stops_the_analysis_thread() -> None:
    """The in-process budget (the flake8 plugin's): pure-Python work is stopped, in its thread,
    not merely abandoned; from any thread; and the next file is analysed as usual."""
    namespace: dict = {}
    exec(_SLOW_RULE, namespace)
    slow = namespace["SlowOnPurpose"]
    config = Config(file_timeout=0.3)
    outcome: list = []

    def lint() -> None:
        try:
            lint_source(SLOW, "slow.py", config, rules=[slow], timeout=0.3)
        except engine.FileTimeout:
            outcome.append("stopped")
        outcome.append([f.code for f in lint_source(LEAKY, "m.py", config, timeout=30)])

    lint()  # the main thread
    worker = threading.Thread(target=lint)  # and another one (a server's, a pool's)
    worker.start()
    worker.join(60)
    assert outcome == ["stopped", ["LL103"], "stopped", ["LL103"]]
    # the spinning threads were stopped, not left to run for their minute
    assert not [t for t in threading.enumerate() if t.name == "leaklint-budget"]


def test_point_4_flake8_file_timeout_option() -> None:
    import argparse

    from leaklint.config import ConfigError
    from leaklint.flake8 import config_from_options

    def options(value: object) -> argparse.Namespace:
        return argparse.Namespace(filenames=[str(ROOT / "leaklint")], leaklint_file_timeout=value)

    assert config_from_options(options("0.25")).file_timeout == 0.25
    assert config_from_options(options("0")).file_timeout == 0
    assert config_from_options(options(None)).file_timeout == Config().file_timeout
    for bad in ("soon", "-1", "inf"):
        with pytest.raises(ConfigError, match="file-timeout"):
            config_from_options(options(bad))


def _interrupt_script(marker: Path, jobs: int) -> str:
    return (
        "import os, signal, sys, time\n"
        "from pathlib import Path\n"
        # a test run in a background job inherits SIGINT ignored: act as a terminal would
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from leaklint import runner\n"
        "original = runner._check_chunk\n"
        "def check(chunk):\n"
        "    if any(p.endswith('slow.py') for _, p in chunk):\n"
        f"        Path({str(marker)!r}, str(os.getpid())).write_text('')\n"
        "        time.sleep(300)\n"
        "    return original(chunk)\n"
        "runner._check_chunk = check\n"
        "runner.default_jobs = lambda: 2\n"
        "from leaklint.cli import main\n"
        f"sys.exit(main(['--no-cache', '-j', '{jobs}', '-o', 'out.txt', 'pkg']))\n"
    )


@pytest.mark.parametrize("sig, code, jobs", [(signal.SIGINT, 130, 1), (signal.SIGTERM, 143, 1), (signal.SIGTERM, 143, 2), (signal.SIGINT, 130, 2)])
def test_point_4_and_12_signals_end_every_process(project: Path, sig: int, code: int, jobs: int) -> None:
    (project / "pkg" / "slow.py").write_text(LEAKY)
    (project / "pkg" / "slow2.py").write_text(LEAKY) if jobs == 2 else None
    marker = project / "workers"
    marker.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-c", _interrupt_script(marker, jobs)], cwd=project, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while not list(marker.iterdir()) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    workers = [int(p.name) for p in marker.iterdir()]
    assert workers, proc.communicate()
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=20)  # not the 300 s the slow file would take
    assert proc.returncode == code, err
    assert b"Traceback" not in err and b"BrokenPipe" not in err
    assert not (project / "out.txt").exists()
    assert [p.name for p in project.iterdir() if ".tmp" in p.name] == []
    time.sleep(0.5)
    for pid in workers:
        alive = os.path.exists(f"/proc/{pid}") and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
        assert not alive, f"worker {pid} outlived the run"


# ------------------------------------------------------------------ 6. quadratic in findings
class _Pos(tuple):
    count = 0

    def _cmp(self, other, op):  # type: ignore[no-untyped-def]
        _Pos.count += 1
        return getattr(tuple, op)(self, other)

    def __lt__(self, o):  # type: ignore[no-untyped-def]
        return self._cmp(o, "__lt__")

    def __le__(self, o):  # type: ignore[no-untyped-def]
        return self._cmp(o, "__le__")

    def __gt__(self, o):  # type: ignore[no-untyped-def]
        return self._cmp(o, "__gt__")

    def __ge__(self, o):  # type: ignore[no-untyped-def]
        return self._cmp(o, "__ge__")


def test_point_6_scope_lookup_is_not_quadratic(monkeypatch: pytest.MonkeyPatch) -> None:
    n = 1500
    source = "import functools\n" + "".join(
        f"class S{i}:\n    @functools.lru_cache(maxsize=None)\n    def f(self):\n        pass\n" for i in range(n)
    )
    original = engine._definition_ranges

    def counted(ctx, positions):  # type: ignore[no-untyped-def]
        return [(_Pos(a), _Pos(b), q) for a, b, q in original(ctx, positions)]

    monkeypatch.setattr(engine, "_definition_ranges", counted)
    _Pos.count = 0
    findings = lint_source(source, "x.py", config_from_table({"select": ["LL103"]}, prefix=""))
    assert len(findings) == n
    assert [f.scope for f in findings[:2]] == ["S0.f", "S1.f"]
    # one scan of every definition per finding would be 2 * n * n = 4.5 million comparisons
    assert _Pos.count < 100 * n


def test_point_6_scopes_match_the_brute_force_answer() -> None:
    import random

    rng = random.Random(3)
    for _ in range(200):
        ranges = []

        def nest(lo: int, hi: int, prefix: str, depth: int) -> None:
            pos = lo
            while pos < hi and depth < 4 and rng.random() < 0.7:
                start = rng.randint(pos, hi)
                end = rng.randint(start, hi)
                name = f"{prefix}{len(ranges)}"
                # a child starts after its parent and ends before it, even on the same lines
                ranges.append(((start, depth), (end, 10 - depth), name))
                nest(start, end, name + ".", depth + 1)
                pos = end + 1

        nest(1, 60, "", 0)
        rng.shuffle(ranges)
        points = [(rng.randint(0, 62), rng.randint(0, 11)) for _ in range(30)]

        def brute(p):  # type: ignore[no-untyped-def]
            best, best_start = "", (0, 0)
            for start, end, q in ranges:
                if start <= p <= end and start >= best_start:
                    best, best_start = q, start
            return best

        expected = [brute(p) for p in points]
        got = engine._scopes_for(ranges, points)
        assert got == expected


# ------------------------------------------------------------------ 7. crashes become one line, exit 2
def test_point_7_output_into_missing_directory_or_onto_a_directory(project: Path) -> None:
    for target in ("missing/out.txt", "pkg"):
        proc = cli("--no-cache", "-o", target, "pkg", cwd=project)
        assert proc.returncode == 2 and target.split("/")[0] in one_error_line(proc.stderr)
    proc = cli("--write-baseline", "missing/b.json", "pkg", cwd=project)
    assert proc.returncode == 2 and "missing" in one_error_line(proc.stderr)
    assert sorted(p.name for p in project.iterdir()) == ["pkg"]
    assert sorted(p.name for p in (project / "pkg").iterdir()) == ["m.py"]


def test_point_7_non_utf8_file_name(project: Path) -> None:
    name = b"pkg/caf\xe9.py"
    with open(os.path.join(os.fsencode(project), name), "w") as fh:
        fh.write(LEAKY)
    for argv in (["--format", "sarif"], ["-o", "out.txt"], ["--format", "json"], []):
        proc = cli("--no-cache", *argv, "pkg", cwd=project, env=dict(ENV, PYTHONIOENCODING="ascii"))
        assert proc.returncode == 1, proc.stderr
        assert b"Traceback" not in proc.stderr
    assert b"caf\xe9.py" in (project / "out.txt").read_bytes()  # the name's own bytes
    proc = cli("--no-cache", "--format", "sarif", "pkg", cwd=project)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(proc.stdout)["runs"][0]["results"]]
    assert "pkg/caf%E9.py" in uris


@pytest.mark.parametrize(
    "content",
    [
        {"version": 1, "findings": [{"fingerprint": "x", "path": ["a"], "code": "LL103"}]},
        {"version": 1, "findings": [{"fingerprint": ["x"]}]},
        "[" * 100000 + "]" * 100000,
    ],
)
def test_point_7_bad_baselines_are_one_line(project: Path, content: object) -> None:
    (project / "b.json").write_text(content if isinstance(content, str) else json.dumps(content))
    proc = cli("--no-cache", "--baseline", "b.json", "pkg", cwd=project)
    assert proc.returncode == 2 and "b.json" in one_error_line(proc.stderr)


def test_point_7_tool_not_a_table_up_the_tree(project: Path) -> None:
    (project / "pyproject.toml").write_text("tool = 5\n")
    proc = cli("--no-cache", "pkg", cwd=project)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr  # not ours: defaults
    proc = cli("--no-cache", "--config", "pyproject.toml", "pkg", cwd=project)
    assert proc.returncode == 2 and "tool" in one_error_line(proc.stderr)


def test_point_7_stdin_closed(project: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "leaklint", "--no-cache", "--format", "json", "-"],
        cwd=project, env=ENV, capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
        preexec_fn=lambda: os.close(0),
    )
    assert b"Traceback" not in proc.stderr
    found = json.loads(proc.stdout)
    assert [(f["path"], f["code"]) for f in found] == [("-", "LL000")] and "stdin" in found[0]["message"]


@pytest.mark.parametrize("entry", ['["x"]', '{"findings": []}', '[{"path": 1}]', "{", '"' + "[" * 50000])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_point_7_cache_entry_of_the_wrong_shape(project: Path, entry: str, fmt: str) -> None:
    first = cli("--cache-dir", "c", "--format", fmt, "pkg", cwd=project)
    assert first.returncode == 1
    entries = [p for p in (project / "c").rglob("*.json") if not p.name.startswith("index-")]
    assert entries
    for p in (project / "c").rglob("*.json"):
        p.write_text(entry)
    for _ in range(2):  # also the run after: the bad entry was rewritten
        again = cli("--cache-dir", "c", "--format", fmt, "--exit-zero", "pkg", cwd=project)
        assert again.returncode == 0 and b"Traceback" not in again.stderr
        assert again.stdout == first.stdout


# ------------------------------------------------------------------ 8. unreadable directories
def test_point_8_unreadable_directory_is_ll000(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    locked = project / "pkg" / "locked"
    locked.mkdir()
    (locked / "hidden.py").write_text(LEAKY)
    real_scandir, real_listdir = os.scandir, os.listdir

    def deny(path):  # type: ignore[no-untyped-def]
        if os.path.abspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def deny_list(path):  # type: ignore[no-untyped-def]
        if os.path.abspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_listdir(path)

    monkeypatch.setattr(os, "scandir", deny)
    monkeypatch.setattr(os, "listdir", deny_list)
    assert main(["--no-cache", "--format", "json", "-j", "1", "pkg"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert [(f["path"], f["code"]) for f in found if f["code"] == "LL000"] == [("pkg/locked", "LL000")]
    assert "permission denied" in [f["message"] for f in found if f["code"] == "LL000"][0]


def test_point_8_unreadable_first_path_does_not_crash_config_lookup(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    locked = project / "locked"
    locked.mkdir()
    real_is_file = Path.is_file

    def is_file(self):  # type: ignore[no-untyped-def]
        if str(self).startswith(str(locked) + os.sep):
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_file(self)

    monkeypatch.setattr(Path, "is_file", is_file)
    code = main(["--no-cache", "-q", "-j", "1", "locked", "pkg"])
    assert code == 1 and "Traceback" not in capsys.readouterr().err


# ------------------------------------------------------------------ 9. compile-time errors
@pytest.mark.parametrize(
    "source",
    [
        "return 1\n",
        "nonlocal x\n",
        "def f(a, a):\n    pass\n",
        "def g():\n    x = 1\n    global x\n",
        "yield 1\n",
        "for x in y:\n    pass\nbreak\n",
        "async with a:\n    pass\n",
    ],
)
def test_point_9_compile_time_errors_are_ll000(source: str) -> None:
    findings = lint_source(LEAKY + source, "x.py", Config())
    assert [f.code for f in findings] == ["LL000"], findings
    assert findings[0].message.startswith("syntax error: ") and findings[0].line > LEAKY.count("\n")


# ------------------------------------------------------------------ 10. lone-CR files
@pytest.mark.parametrize(
    "comment, expected",
    [("", ["LL103"]), ("  # noqa", []), ("  # leaklint: ignore[LL103]", []), ("  # noqa: LL401", ["LL103"])],
)
def test_point_10_lone_cr_suppressions(project: Path, capsys: pytest.CaptureFixture, comment: str, expected: List[str]) -> None:
    source = LEAKY.replace("def lookup(self, key):", "def lookup(self, key):" + comment).replace("\n", "\r")
    (project / "pkg" / "m.py").write_bytes(source.encode())
    main(["--no-cache", "--format", "json", "-j", "1", "pkg"])
    assert [f["code"] for f in json.loads(capsys.readouterr().out)] == expected


def test_point_10_lone_cr_ignore_file(project: Path, capsys: pytest.CaptureFixture) -> None:
    source = ("x = 1\n# leaklint: ignore-file\n" + LEAKY).replace("\n", "\r")
    (project / "pkg" / "m.py").write_bytes(source.encode())
    assert main(["--no-cache", "--format", "json", "-j", "1", "pkg"]) == 0
    assert json.loads(capsys.readouterr().out) == []


# ------------------------------------------------------------------ 11. cache keyed on rule code content
def test_point_11_edit_with_same_size_and_mtime_invalidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "pkg"
    (package / "rules").mkdir(parents=True)
    (package / "runner.py").write_text("")
    rule = package / "rules" / "some_rule.py"
    rule.write_text("x = 1\n")
    st = os.stat(rule)
    monkeypatch.setattr(runner, "__file__", str(package / "runner.py"))
    first = runner.code_fingerprint()
    rule.write_text("x = 2\n")  # same size
    os.utime(rule, ns=(st.st_atime_ns, st.st_mtime_ns))  # cp -p / rsync -a keep the mtime
    assert os.stat(rule).st_size == st.st_size and os.stat(rule).st_mtime_ns == st.st_mtime_ns
    assert runner.code_fingerprint() != first


# ------------------------------------------------------------------ 13. one line per finding, sorted, jobs capped
def test_point_13_multi_line_message_is_one_line(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "pkg" / "m.py").write_text(
        "import threading\n_state = threading.local()\n\n"
        "def handle(request):\n    _state.request = request.body[\n        0:10\n    ]\n    return 1\n"
    )
    main(["--no-cache", "-q", "--select", "LL604", "-j", "1", "pkg"])
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1 and out.startswith("pkg/m.py:5:5: LL604"), out
    assert "request.body[ 0:10 ]" in out


def test_point_13_output_sorted_by_path(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "pkg" / "sub").mkdir()
    (project / "pkg" / "sub" / "a.py").write_text(LEAKY)
    (project / "pkg" / "z.py").write_text(LEAKY)
    main(["--no-cache", "-q", "-j", "1", "pkg"])
    paths = [line.split(":")[0] for line in capsys.readouterr().out.splitlines()]
    assert paths == sorted(paths) == ["pkg/m.py", "pkg/sub/a.py", "pkg/z.py"]


def test_point_13_jobs_capped_at_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "default_jobs", lambda: 2)
    assert runner.effective_jobs(64, 1000) == 2
    assert runner.effective_jobs(64, 1) == 1
    assert runner.effective_jobs(1, 1000) == 1


# ------------------------------------------------------------------ the failure contract
def _boom(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise engine.InternalError("x", "LL103", RuntimeError("bug in the rule"))


def test_contract_internal_error_is_ll000_and_the_run_goes_on(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    (project / "pkg" / "boom.py").write_text(LEAKY + "# BOOM\n")
    original = engine._lint_parsed

    def lint(text, *args):  # type: ignore[no-untyped-def]
        if "BOOM" in text:
            raise ValueError("bug in the rule")
        return original(text, *args)

    monkeypatch.setattr(engine, "_lint_parsed", lint)
    # the run goes on and reports everything, but leaklint failed on a file: exit 2, which
    # --exit-zero does not hide
    assert main(["--no-cache", "--format", "json", "-j", "1", "pkg"]) == 2
    captured = capsys.readouterr()
    found = json.loads(captured.out)
    assert [(f["path"], f["code"]) for f in found] == [("pkg/boom.py", "LL000"), ("pkg/m.py", "LL103")]
    assert found[0]["message"].startswith("internal error in engine: ValueError: bug in the rule")
    assert "Traceback" not in found[0]["message"]
    assert main(["--no-cache", "--format", "json", "-j", "1", "--verbose", "pkg"]) == 2
    assert "Traceback" in json.loads(capsys.readouterr().out)[0]["message"]
    assert main(["--no-cache", "--format", "json", "-j", "1", "--exit-zero", "pkg"]) == 2
    capsys.readouterr()
    assert main(["--no-cache", "--format", "sarif", "-j", "1", "pkg"]) == 2
    invocation = json.loads(capsys.readouterr().out)["runs"][0]["invocations"][0]
    notes = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert notes == ["pkg/boom.py: internal error in engine: ValueError: bug in the rule"]


def test_contract_exit_zero_never_hides_exit_2(project: Path) -> None:
    proc = cli("--no-cache", "--exit-zero", "-o", "missing/x", "pkg", cwd=project)
    assert proc.returncode == 2
    (project / "pyproject.toml").write_text("[tool.leaklint]\nselect = 5\n")
    proc = cli("--no-cache", "--exit-zero", "pkg", cwd=project)
    assert proc.returncode == 2


def test_contract_flake8_plugin_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    from leaklint.flake8 import Plugin

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RecursionError("deep")

    monkeypatch.setattr("leaklint.flake8.lint_source", crash)
    monkeypatch.setattr(Plugin, "_config", Config())
    found = list(Plugin(None, LEAKY.splitlines(keepends=True), "x.py").run())
    assert len(found) == 1 and found[0][2].startswith("LL000")
    monkeypatch.setattr(Plugin, "_config", Config(max_file_size=10))
    found = list(Plugin(None, LEAKY.splitlines(keepends=True), "x.py").run())
    assert len(found) == 1 and "too large" in found[0][2]


def test_contract_unusable_cache_warns_once(project: Path) -> None:
    (project / "c").write_text("a file where the cache directory should be")
    proc = cli("--cache-dir", "c", "pkg", cwd=project)
    assert proc.returncode == 1
    assert proc.stderr.decode().count("warning: cache directory") == 1


# ------------------------------------------------------------------ cache identity (small corpus)
def test_cache_identity_small_corpus(project: Path) -> None:
    """Findings are identical between --no-cache, a warm cache, a cache corrupted every way,
    and concurrent runs (bench/cache_identity.py does this on the ecosystem corpus)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import cache_identity
    finally:
        sys.path.pop(0)
    src = ROOT / "fixtures"
    report = cache_identity.check(str(src), workdir=str(project), concurrent=3, jobs=1, limit=6)
    assert report["identical"], report
    assert report["corruptions"] >= 8


def test_point_6_ll101_is_not_quadratic_in_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    from leaklint.analysis.containers import ContainerUse

    n = 400
    source = "_c = {}\n" + "".join(f"def f{i}(x):\n    return _c.setdefault(x, [])\n" for i in range(n)) + "def g(x):\n    _c[x] = 1\n"
    calls = [0]
    original = ContainerUse.__eq__

    def counted(self, other):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return original(self, other)

    monkeypatch.setattr(ContainerUse, "__eq__", counted)
    # a value-keyed memo cache: reported with all-forms (the default form needs objects)
    table = {"select": ["LL101"], "unbounded-module-container": {"all-forms": True}}
    findings = lint_source(source, "x.py", config_from_table(table, prefix=""))
    assert [f.code for f in findings] == ["LL101"]
    # comparing every use with every memo-like use would be n * n / 2 = 80,000 comparisons
    assert calls[0] < 10 * n


def test_fuzz_find_mixed_bytes_and_str_literals_are_ll000() -> None:
    # found by tests/fuzz.py: libcst without its validation accepted this, so the file passed
    # as "syntax newer than this interpreter" with no LL000
    findings = lint_source(LEAKY + 'x = b"a" "b"\n', "x.py", Config())
    assert [f.code for f in findings] == ["LL000"]
    assert "cannot mix bytes and nonbytes literals" in findings[0].message
