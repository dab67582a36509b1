"""The flake8 plugin, run for real: flake8 as a subprocess (through the installed `flake8.extension`
entry point, with this checkout first on PYTHONPATH) must report exactly what the CLI reports,
serially, with `-j 2`, and on stdin. Option plumbing is tested through flake8's own application
in-process, with a probe rule that has options of every type."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

import libcst as cst
import pytest

import leaklint.config
import leaklint.flake8
import leaklint.registry
from leaklint import cli, engine
from leaklint.flake8 import Plugin
from leaklint.rule import Rule
from leaklint.types import Confidence, Invalid, Valid

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
FORMAT = "%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s"

Row = Tuple[str, int, int, str, str]

LEAKY = '''\
import functools


class Handler:
    @functools.lru_cache(maxsize=None)
    def price(self, sku):  # LL103
        return len(sku)
'''

BOUNDED = '''\
import functools


class Handler:
    @functools.lru_cache(maxsize=64)
    def price(self, sku):  # LL103 (medium confidence: bounded)
        return len(sku)
'''

FIXED = '''\
import functools


@functools.lru_cache(maxsize=None)
def price(sku):
    return len(sku)
'''


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def run_flake8(args: Iterable[str], cwd: Path, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--format", FORMAT, *args],
        cwd=cwd, env=_env(), input=stdin, capture_output=True, text=True, timeout=300,
    )


def parse_flake8(stdout: str) -> Set[Row]:
    rows = set()
    for line in stdout.splitlines():
        path, row, col, code, text = line.split("\t", 4)
        rows.add((os.path.normpath(path), int(row), int(col), code, text))
    return rows


def flake8_rows(args: Iterable[str], cwd: Path, stdin: Optional[str] = None) -> Set[Row]:
    proc = run_flake8(args, cwd, stdin)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return parse_flake8(proc.stdout)


def cli_rows(paths: List[str], cwd: Path, tmp: Path, *extra: str) -> Set[Row]:
    out = tmp / "cli-findings.json"
    old = os.getcwd()
    os.chdir(cwd)
    try:
        rc = cli.main([*paths, "--format", "json", "-o", str(out), "--no-cache", "-q", "-j", "1", *extra])
    finally:
        os.chdir(old)
    assert rc in (0, 1)
    return {
        (os.path.normpath(d["path"]), d["line"], d["column"], d["code"], d["message"])
        for d in json.loads(out.read_text())
    }


def write(root: Path, files: dict) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture(autouse=True)
def fresh_plugin_state(monkeypatch: pytest.MonkeyPatch) -> None:
    # in-process flake8 runs set the class-level config; never let one test see another's
    monkeypatch.setattr(Plugin, "_config", None)


# ------------------------------------------------------------------------------ registration
def test_entry_point_is_installed_and_declared() -> None:
    eps = metadata.entry_points()
    group = eps.select(group="flake8.extension") if hasattr(eps, "select") else eps.get("flake8.extension", [])
    ours = [ep for ep in group if ep.name == "LL"]
    # (Python 3.9 lists a distribution twice when its metadata is also on sys.path)
    assert {ep.value for ep in ours} == {"leaklint.flake8:Plugin"}, "pip install -e .[test] first"
    assert 'LL = "leaklint.flake8:Plugin"' in (ROOT / "pyproject.toml").read_text()
    proc = run_flake8(["--version"], ROOT)
    assert "leaklint-mem" in proc.stdout, proc.stdout + proc.stderr


# ------------------------------------------------------------------------------ parity
def test_fixtures_parity_with_cli(tmp_path: Path) -> None:
    flake = flake8_rows(["--select", "LL", "fixtures"], ROOT)
    assert flake == cli_rows(["fixtures"], ROOT, tmp_path)
    assert flake8_rows(["--select", "LL", "-j", "2", "fixtures"], ROOT) == flake
    # every fixture's marked lines are there (the parity is not two empty sets)
    assert any(code == "LL103" for _, _, _, code, _ in flake)


def _parity_tree(root: Path) -> None:
    """A copy of fixtures/ plus files exercising suppressions, confidence and file errors."""
    shutil.copytree(FIXTURES, root / "fixtures")
    write(root, {
        "pkg/__init__.py": "",
        "pkg/leaky.py": LEAKY,
        "pkg/bounded.py": BOUNDED,
        "pkg/fixed.py": FIXED,
        "pkg/suppressed.py": LEAKY.replace("# LL103", "# leaklint: ignore[LL103]"),
        "pkg/ignored_file.py": "# leaklint: ignore-file\n" + LEAKY,
        "pkg/crlf.py": LEAKY.replace("\n", "\r\n"),
        "pkg/latin1.py": "# -*- coding: latin-1 -*-\n# caf\xe9\n" + LEAKY,
        "pkg/nested/deep.py": "import functools\n\n\nclass Outer:\n" + textwrap.indent(LEAKY.split("\n\n\n", 1)[1], "    "),
    })
    (root / "pkg/latin1.py").write_bytes(
        (root / "pkg/latin1.py").read_text(encoding="utf-8").encode("latin-1")
    )


def test_parity_serial_and_parallel(tmp_path: Path) -> None:
    project = tmp_path / "project"
    _parity_tree(project)
    expected = cli_rows(["."], project, tmp_path)
    codes = {(p, code) for p, _, _, code, _ in expected}
    assert ("pkg/leaky.py", "LL103") in codes and ("pkg/nested/deep.py", "LL103") in codes
    assert ("pkg/crlf.py", "LL103") in codes and ("pkg/latin1.py", "LL103") in codes
    assert not any(p in ("pkg/suppressed.py", "pkg/ignored_file.py", "pkg/fixed.py") for p, _ in codes)
    serial = flake8_rows(["--select", "LL", "-j", "1", "."], project)
    parallel = flake8_rows(["--select", "LL", "-j", "2", "."], project)
    assert serial == expected
    assert parallel == expected


def _stdin_in_process(rel: str, text: str, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Set[Row]:
    """flake8 reading `text` from stdin, in this process (flake8's stdin reader caches what it
    read, once per process: cleared on each side of the run)."""
    import flake8.utils
    from flake8.main.cli import main as flake8_main

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8"))
    flake8.utils.stdin_get_value.cache_clear()
    capsys.readouterr()
    try:
        rc = flake8_main(["--format", FORMAT, "--select", "LL", "-", "--stdin-display-name", rel])
    finally:
        flake8.utils.stdin_get_value.cache_clear()
    out = capsys.readouterr()
    assert rc in (0, 1) and "Traceback" not in out.err, out.out + out.err
    return parse_flake8(out.out)


def test_stdin_parity(tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    # every fixture read from stdin gives what the CLI gives on the file (one CLI run over all of
    # them; flake8 in this process, so the project model is built once, as in one flake8 run)
    files = sorted(FIXTURES.rglob("*.py"))
    assert files
    expected = cli_rows(["fixtures"], ROOT, tmp_path)
    assert any(code == "LL103" for _, _, _, code, _ in expected)
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        via_stdin = _stdin_in_process(rel, path.read_text(encoding="utf-8"), capsys, monkeypatch)
        assert via_stdin == {row for row in expected if row[0] == os.path.normpath(rel)}, rel
    # and for real, through flake8's own process and stdin pipe, on one fixture of each family
    # (LL1xx ... LL6xx) that has findings
    firsts: Dict[str, Path] = {}
    for path in files:
        rel = os.path.normpath(path.relative_to(ROOT).as_posix())
        codes = sorted(code for p, _, _, code, _ in expected if p == rel)
        if codes and codes[0][:3] not in firsts:
            firsts[codes[0][:3]] = path
    assert len(firsts) >= 5, sorted(firsts)
    for path in firsts.values():
        rel = path.relative_to(ROOT).as_posix()
        via_stdin = flake8_rows(
            ["--select", "LL", "-", "--stdin-display-name", rel], ROOT, stdin=path.read_text(encoding="utf-8")
        )
        assert via_stdin == {row for row in expected if row[0] == os.path.normpath(rel)}, rel


def test_lines_are_used_not_the_file() -> None:
    # the file does not exist: the plugin must lint the lines flake8 hands it
    lines = LEAKY.splitlines(keepends=True)
    found = list(Plugin(cst_unused(), lines, "no/such/file.py").run())
    assert [(line, col, text.split(" ", 1)[0]) for line, col, text, _ in found] == [(6, 8, "LL103")]


def cst_unused() -> Any:
    import ast

    return ast.parse("")


# ------------------------------------------------------------------------------ flake8 owns noqa
def test_noqa_belongs_to_flake8_leaklint_ignore_still_applies(tmp_path: Path) -> None:
    write(tmp_path, {
        "noqa.py": LEAKY.replace("# LL103", "# noqa: LL103"),
        "bare_noqa.py": LEAKY.replace("# LL103", "# noqa"),
        "ll_ignore.py": LEAKY.replace("# LL103", "# leaklint: ignore[LL103]"),
    })
    assert flake8_rows(["--select", "LL", "."], tmp_path) == set()
    # with flake8's noqa switched off, flake8 shows what `# noqa` hid: the plugin did not drop it
    shown = flake8_rows(["--select", "LL", "--disable-noqa", "."], tmp_path)
    assert {(p, code) for p, _, _, code, _ in shown} == {("noqa.py", "LL103"), ("bare_noqa.py", "LL103")}
    # and leaklint's CLI honours both comments
    assert cli_rows(["."], tmp_path, tmp_path) == set()


def test_flake8_select_and_ignore_filter_output(tmp_path: Path) -> None:
    write(tmp_path, {"leaky.py": "import os\n" + LEAKY})
    assert {c for *_, c, _ in flake8_rows(["--extend-ignore", "LL103", "."], tmp_path)} == {"F401"}
    assert {c for *_, c, _ in flake8_rows(["--select", "F", "."], tmp_path)} == {"F401"}
    assert {c for *_, c, _ in flake8_rows(["--select", "LL1", "."], tmp_path)} == {"LL103"}
    # LL is selected by default once the plugin is installed
    assert {c for *_, c, _ in flake8_rows(["."], tmp_path)} == {"LL103", "F401"}


# ------------------------------------------------------------------------------ unparsable files
def test_syntax_error_is_reported_once_as_e999(tmp_path: Path) -> None:
    write(tmp_path, {"broken.py": "import functools\n\ndef f(:\n    pass\n", "leaky.py": LEAKY})
    rows = flake8_rows(["--select", "E999,LL", "."], tmp_path)
    assert {(p, code) for p, _, _, code, _ in rows} == {("broken.py", "E999"), ("leaky.py", "LL103")}
    # the CLI, which has no E999, reports the same file as LL000
    assert ("broken.py", "LL000") in {(p, c) for p, _, _, c, _ in cli_rows(["."], tmp_path, tmp_path)}


def test_file_only_libcst_rejects_is_reported_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Python accepted the file (flake8 built the tree), leaklint could not analyze it: one LL000
    def refuse(text: str, python_error: Any) -> cst.Module:
        raise engine.SourceError("syntax error: newer than libcst", 6, 5)

    monkeypatch.setattr(engine, "_libcst_parse", refuse)
    found = list(Plugin(cst_unused(), LEAKY.splitlines(keepends=True), "x.py").run())
    assert [(line, col, text) for line, col, text, _ in found] == [(6, 4, "LL000 syntax error: newer than libcst")]
    # [tool.leaklint] ignore = ["LL000"] is honoured under flake8 too
    monkeypatch.setattr(Plugin, "_config", leaklint.config.Config(ignore=("LL000",)))
    assert list(Plugin(cst_unused(), LEAKY.splitlines(keepends=True), "x.py").run()) == []


def test_rule_crash_is_one_ll000_not_a_flake8_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any) -> Any:
        raise engine.InternalError("x.py", "LL103", RuntimeError("bug"))

    monkeypatch.setattr(engine, "_lint_parsed", boom)
    found = list(Plugin(cst_unused(), LEAKY.splitlines(keepends=True), "x.py").run())
    assert len(found) == 1 and found[0][2].startswith("LL000 file not analyzed: x.py: internal error in LL103")


# ------------------------------------------------------------------------------ configuration
def test_pyproject_is_honoured(tmp_path: Path) -> None:
    write(tmp_path, {
        "pyproject.toml": """
            [tool.leaklint]
            min-confidence = "high"
            per-file-ignores = { "legacy/*" = ["LL103"] }

            [tool.leaklint.cached-instance-method]
            include-bounded = true
            """,
        "app/leaky.py": LEAKY,
        "app/bounded.py": BOUNDED,
        "legacy/leaky.py": LEAKY,
    })
    expected = {("app/leaky.py", "LL103")}
    assert {(p, c) for p, _, _, c, _ in cli_rows(["."], tmp_path, tmp_path)} == expected
    assert {(p, c) for p, _, _, c, _ in flake8_rows(["--select", "LL", "."], tmp_path)} == expected
    # run from elsewhere, naming the project directory: the same pyproject.toml is found
    rows = flake8_rows(["--select", "LL", str(tmp_path)], tmp_path.parent)
    assert {(os.path.relpath(p, str(tmp_path)), c) for p, _, _, c, _ in rows} == expected


def test_flake8_options_from_command_line_and_config(tmp_path: Path) -> None:
    write(tmp_path, {
        "leaky.py": LEAKY,
        "bounded.py": BOUNDED,
        "pyproject.toml": "[tool.leaklint.cached-instance-method]\ninclude-bounded = true\n",
    })
    both = {("leaky.py", "LL103"), ("bounded.py", "LL103")}
    assert {(p, c) for p, _, _, c, _ in flake8_rows(["."], tmp_path)} == both
    high = flake8_rows(["--leaklint-min-confidence", "high", "."], tmp_path)
    assert {(p, c) for p, _, _, c, _ in high} == {("leaky.py", "LL103")}
    # the same from flake8's config file, without the dashes
    (tmp_path / ".flake8").write_text("[flake8]\nleaklint-min-confidence = high\n")
    assert flake8_rows(["."], tmp_path) == high
    (tmp_path / ".flake8").write_text("[flake8]\nleaklint_select = LL1\nleaklint-extend-select = LL103\n")
    assert {(p, c) for p, _, _, c, _ in flake8_rows(["."], tmp_path)} == both
    # a leaklint config file named from flake8's config, relative to it
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "leaklint.toml").write_text('ignore = ["LL103"]\n')
    (tmp_path / ".flake8").write_text("[flake8]\nleaklint-config = conf/leaklint.toml\n")
    assert flake8_rows(["."], tmp_path) == set()


def test_bad_leaklint_options_stop_flake8_with_a_message(tmp_path: Path) -> None:
    write(tmp_path, {"leaky.py": LEAKY})
    proc = run_flake8(["--leaklint-select", "LL999", "."], tmp_path)
    assert proc.returncode == 1
    assert "leaklint: flake8 options: select: unknown rule code 'LL999'" in proc.stdout
    write(tmp_path, {"pyproject.toml": "[tool.leaklint]\nselcet = ['LL1']\n"})
    proc = run_flake8(["."], tmp_path)
    assert proc.returncode == 1 and "unknown key 'selcet'" in proc.stdout, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


# ------------------------------------------------------------------------------ rule options
@dataclasses.dataclass(frozen=True)
class ProbeOptions:
    strict: bool = dataclasses.field(default=False, metadata={"help": "a boolean"})
    limit: int = dataclasses.field(default=3, metadata={"help": "an integer"})
    maxsize: Optional[int] = dataclasses.field(default=None, metadata={"help": "an integer or none"})
    label: str = dataclasses.field(default="x", metadata={"help": "a string"})
    factories: Tuple[str, ...] = dataclasses.field(default=(), metadata={"help": "dotted names"})
    closers: Tuple[Tuple[str, str], ...] = dataclasses.field(default=(), metadata={"help": "name -> method"})


class OptionProbe(Rule):
    """
    ## What it does
    Reports its own options on the first line of every module (a test probe).

    ## Why is this bad?
    It is not; it shows which options reached the rule.

    ## Known problems
    None.

    ## Fix safety
    No fix.

    ## References
    - none
    """

    code = "LL990"
    name = "option-probe"
    message = "options {options}"
    confidence = Confidence.LOW
    default_enabled = False
    Options = ProbeOptions
    VALID = [Valid("x = 1\n")]
    INVALID = [Invalid("x = 1  # LL990\n")]

    def visit_Module(self, node: cst.Module) -> None:
        if node.body:
            o = self.options
            self.report(
                node.body[0],
                options=f"strict={o.strict} limit={o.limit} maxsize={o.maxsize} label={o.label} "
                f"factories={','.join(o.factories)} closers={','.join('='.join(p) for p in o.closers)}",
            )


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    rules = (*leaklint.registry.all_rules(), OptionProbe)
    for module in (leaklint.registry, leaklint.config, leaklint.flake8):
        monkeypatch.setattr(module, "all_rules", lambda: rules, raising=False)
    # rule selection is memoised by selector: forget what was chosen without the probe, and
    # what is chosen with it
    leaklint.config._enabled.cache_clear()
    yield
    leaklint.config._enabled.cache_clear()


def flake8_in_process(args: List[str], cwd: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Tuple[int, List[str]]:
    from flake8.main.cli import main as flake8_main

    monkeypatch.chdir(cwd)
    capsys.readouterr()
    rc = flake8_main(["--format", "%(path)s:%(row)d:%(col)d: %(code)s %(text)s", *args])
    out = capsys.readouterr().out
    return rc, out.splitlines()


def test_generated_rule_option_flags(probe: None) -> None:
    flags = {flag: (section, f.name) for flag, section, f in leaklint.flake8.rule_option_flags()}
    assert flags["leaklint-option-probe-strict"] == ("option-probe", "strict")
    assert flags["leaklint-option-probe-closers"] == ("option-probe", "closers")
    assert len([f for f in flags if f.startswith("leaklint-option-probe-")]) == 6


def test_rule_options_from_flags_and_config(tmp_path: Path, probe: None, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"m.py": "x = 1\n"})
    rc, out = flake8_in_process(["--select", "LL990", "m.py"], tmp_path, capsys, monkeypatch)
    assert out == ["m.py:1:1: LL990 options strict=False limit=3 maxsize=None label=x factories= closers="]
    assert rc == 1
    rc, out = flake8_in_process(
        [
            "--select", "LL990",
            "--leaklint-option-probe-strict", "true", "--leaklint-option-probe-limit", "7",
            "--leaklint-option-probe-maxsize", "128", "--leaklint-option-probe-label", "hi",
            "--leaklint-option-probe-factories", "a.open,b.connect",
            "--leaklint-option-probe-closers", "a.open=close, b.connect=shutdown",
            "m.py",
        ],
        tmp_path, capsys, monkeypatch,
    )
    assert out == ["m.py:1:1: LL990 options strict=True limit=7 maxsize=128 label=hi factories=a.open,b.connect closers=a.open=close,b.connect=shutdown"]
    # flake8 config file (setup.cfg here), multi-line lists as flake8 users write them
    (tmp_path / "setup.cfg").write_text(textwrap.dedent("""\
        [flake8]
        extend-select = LL990
        leaklint-option-probe-strict = yes
        leaklint-option-probe-maxsize = none
        leaklint_option_probe_factories =
            a.open,
            b.connect
        """))
    rc, out = flake8_in_process(["m.py"], tmp_path, capsys, monkeypatch)
    assert out == ["m.py:1:1: LL990 options strict=True limit=3 maxsize=None label=x factories=a.open,b.connect closers="]
    # [tool.leaklint] options are honoured too; flake8 options win key by key
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""\
        [tool.leaklint.option-probe]
        limit = 11
        strict = false
        closers = [["x.make", "release"]]
        """))
    rc, out = flake8_in_process(["m.py"], tmp_path, capsys, monkeypatch)
    assert out == ["m.py:1:1: LL990 options strict=True limit=11 maxsize=None label=x factories=a.open,b.connect closers=x.make=release"]


def test_bad_rule_option_values(tmp_path: Path, probe: None, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"m.py": "x = 1\n"})
    for flag, value, message in [
        ("strict", "maybe", "expected true or false, got 'maybe'"),
        ("limit", "many", "expected an integer, got 'many'"),
        ("closers", "a.open", "expected items like name=value"),
    ]:
        rc, out = flake8_in_process(["--select", "LL990", f"--leaklint-option-probe-{flag}", value, "m.py"], tmp_path, capsys, monkeypatch)
        assert rc == 1
        assert out[0] == "There was a critical error during execution of Flake8:"
        assert message in out[1], out


def test_opt_in_rule_runs_when_flake8_selects_it_by_code(tmp_path: Path, probe: None, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"m.py": "x = 1\n"})
    assert flake8_in_process(["--select", "LL", "m.py"], tmp_path, capsys, monkeypatch)[1] == []
    assert flake8_in_process(["--select", "LL9", "m.py"], tmp_path, capsys, monkeypatch)[1] == []
    assert len(flake8_in_process(["--select", "LL990", "m.py"], tmp_path, capsys, monkeypatch)[1]) == 1
    assert len(flake8_in_process(["--extend-select", "LL990", "m.py"], tmp_path, capsys, monkeypatch)[1]) == 1
    assert len(flake8_in_process(["--leaklint-extend-select", "LL9", "m.py"], tmp_path, capsys, monkeypatch)[1]) == 1
    # ...and min-confidence drops it (LL990 reports at low confidence)
    out = flake8_in_process(["--select", "LL990", "--leaklint-min-confidence", "medium", "m.py"], tmp_path, capsys, monkeypatch)[1]
    assert out == []


def test_config_is_resolved_once_per_process(tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {f"m{i}.py": LEAKY for i in range(5)})
    calls = []
    real = leaklint.flake8.load_config

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(leaklint.flake8, "load_config", counting)
    rc, out = flake8_in_process(["--select", "LL", "-j", "1", "."], tmp_path, capsys, monkeypatch)
    assert len(out) == 5 and len(calls) == 1
