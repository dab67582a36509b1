"""End to end through `leaklint.cli.main`: exit codes, formats, selection, config, stdin."""

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

from leaklint import __version__
from leaklint.cli import main

LEAKY = "import functools\n\nclass Service:\n    @functools.lru_cache(maxsize=None)\n    def lookup(self, key):\n        return key\n"
BOUNDED = "import functools\n\nclass Service:\n    @functools.lru_cache(maxsize=8)\n    def lookup(self, key):\n        return key\n"
CLEAN = "def f(x):\n    return x\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "leaky.py").write_text(LEAKY)
    (tmp_path / "pkg" / "clean.py").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(args: List[str], capsys: pytest.CaptureFixture) -> Tuple[int, str, str]:
    code = main([*args, "--no-cache"])
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_codes(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert run(["pkg/clean.py"], capsys)[0] == 0
    code, out, err = run(["pkg"], capsys)
    assert code == 1
    assert out == "pkg/leaky.py:5:9: LL103 lru_cache on method Service.lookup keeps every instance it is called on alive for the life of the class\n"
    assert "1 finding in 1 file" in err and "2 files checked" in err
    assert run(["pkg", "--exit-zero"], capsys)[0] == 0
    code, _, err = run(["pkg", "--select", "LL9"], capsys)
    assert code == 2 and "'LL9' matches no rule" in err
    code, _, err = run(["pkg", "--select", "XYZ"], capsys)
    assert code == 2 and "XYZ" in err
    code, _, err = run(["pkg", "--no-such-flag"], capsys)
    assert code == 2


def test_default_path_is_cwd_and_quiet(project: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(["-q"], capsys)
    assert code == 1 and out.startswith("pkg/leaky.py:5:9: LL103") and err == ""


def test_json_format(project: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["pkg", "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 1 and len(data) == 1
    keys = {"path", "line", "column", "end_line", "end_column", "code", "name", "message", "confidence", "fix"}
    assert keys <= set(data[0])
    assert data[0]["fix"] is None and data[0]["confidence"] == "high" and data[0]["name"] == "cached-instance-method"
    assert (data[0]["line"], data[0]["column"], data[0]["end_line"], data[0]["end_column"]) == (5, 9, 5, 15)


def test_github_format(project: Path, capsys: pytest.CaptureFixture) -> None:
    _, out, _ = run(["pkg", "--format", "github"], capsys)
    assert out.startswith("::warning file=pkg/leaky.py,line=5,col=9,endLine=5,endColumn=15,title=LL103 cached-instance-method::LL103 ")


def test_sarif_format(project: Path, capsys: pytest.CaptureFixture) -> None:
    _, out, _ = run(["pkg", "--format", "sarif"], capsys)
    doc = json.loads(out)
    assert doc["version"] == "2.1.0"
    run0 = doc["runs"][0]
    rules = run0["tool"]["driver"]["rules"]
    assert "LL103" in [r["id"] for r in rules]
    result = run0["results"][0]
    assert result["ruleId"] == "LL103" and rules[result["ruleIndex"]]["id"] == "LL103"
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "pkg/leaky.py", "uriBaseId": "%SRCROOT%"}
    assert result["partialFingerprints"]


def test_output_file(project: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["pkg", "--format", "json", "--output", "report.json"], capsys)
    assert code == 1 and out == ""
    assert json.loads((project / "report.json").read_text())[0]["code"] == "LL103"


def test_select_ignore_extend(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert run(["pkg", "--ignore", "LL103"], capsys)[0] == 0
    assert run(["pkg", "--ignore", "LL1"], capsys)[0] == 0
    assert run(["pkg", "--select", "LL1"], capsys)[0] == 1
    assert run(["pkg", "--select", "LL103", "--ignore", "LL103"], capsys)[0] == 0
    assert run(["pkg", "--select", "LL6", "--extend-select", "LL103"], capsys)[0] == 1
    assert run(["pkg", "--select", "ALL"], capsys)[0] == 1


def test_min_confidence(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "pkg" / "leaky.py").write_text(BOUNDED)
    assert run(["pkg"], capsys)[0] == 0  # bounded method caches are opt-in
    write_config(project, "[tool.leaklint.cached-instance-method]\ninclude-bounded = true\n")
    assert run(["pkg", "--min-confidence", "medium"], capsys)[0] == 1
    assert run(["pkg", "--min-confidence", "high"], capsys)[0] == 0


def test_statistics(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "pkg" / "more.py").write_text(LEAKY)
    code, out, _ = run(["pkg", "--statistics"], capsys)
    assert code == 1 and out.split() == ["2", "LL103", "cached-instance-method"]


def test_list_rules_and_explain(project: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["--list-rules"], capsys)
    assert code == 0 and "LL103" in out and "cached-instance-method" in out
    code, out, _ = run(["--list-rules", "--format", "json"], capsys)
    rules = json.loads(out)
    assert code == 0 and any(r["code"] == "LL103" and r["enabled"] for r in rules)
    code, out, _ = run(["--explain", "LL103"], capsys)
    assert code == 0 and out.startswith("# LL103") and "## Why is this bad?" in out and "## Measured" in out
    code, out, _ = run(["--explain", "cached-instance-method"], capsys)
    assert code == 0 and out.startswith("# LL103")
    code, _, err = run(["--explain", "LL999"], capsys)
    assert code == 2 and "LL999" in err


def test_version(capsys: pytest.CaptureFixture) -> None:
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out
    assert main(["--help"]) == 0
    assert "--select" in capsys.readouterr().out


def test_stdin(project: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(LEAKY.encode())))
    code, out, _ = run(["-", "--stdin-filename", "pkg/from_stdin.py"], capsys)
    assert code == 1 and out.startswith("pkg/from_stdin.py:5:9: LL103")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(LEAKY.encode())))
    code, out, _ = run(["-"], capsys)
    assert code == 1 and out.startswith("-:5:9: LL103")


# ---------------------------------------------------------------------------- config
def write_config(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.leaklint]\n" + body)


def test_config_select_ignore_and_per_file_ignores(project: Path, capsys: pytest.CaptureFixture) -> None:
    write_config(project, 'ignore = ["LL103"]\n')
    assert run(["pkg"], capsys)[0] == 0
    write_config(project, '[tool.leaklint.per-file-ignores]\n"pkg/leaky.py" = ["LL103"]\n')
    assert run(["pkg"], capsys)[0] == 0
    write_config(project, '[tool.leaklint.per-file-ignores]\n"other/*.py" = ["LL103"]\n')
    assert run(["pkg"], capsys)[0] == 1
    write_config(project, 'min-confidence = "high"\n[tool.leaklint.cached-instance-method]\ninclude-bounded = true\n')
    (project / "pkg" / "leaky.py").write_text(BOUNDED)
    assert run(["pkg"], capsys)[0] == 0
    write_config(project, 'min-confidence = "medium"\n[tool.leaklint.cached-instance-method]\ninclude-bounded = true\n')
    assert run(["pkg"], capsys)[0] == 1


def test_config_exclude(project: Path, capsys: pytest.CaptureFixture) -> None:
    write_config(project, 'extend-exclude = ["leaky.py"]\n')
    code, _, err = run(["."], capsys)
    assert code == 0 and "1 file checked" in err
    # a file named on the command line is checked anyway, unless --force-exclude
    assert run(["pkg/leaky.py"], capsys)[0] == 1
    assert run(["pkg/leaky.py", "--force-exclude"], capsys)[0] == 0


@pytest.mark.parametrize(
    "body,needle",
    [
        ('selec = ["LL103"]\n', "unknown key 'selec'"),
        ('select = "LL103"\n', "select"),
        ('select = ["LL1O3"]\n', "LL1O3"),
        ('select = ["LL999"]\n', "unknown rule code 'LL999'"),
        ('min-confidence = "sure"\n', "min-confidence"),
        ("respect-gitignore = 1\n", "respect-gitignore"),
        ("[tool.leaklint.per-file-ignores]\n'x.py' = 'LL103'\n", "per-file-ignores"),
        ("[tool.leaklint.no-such-rule]\nx = 1\n", "no-such-rule"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_config_errors_name_key_and_file(project: Path, capsys: pytest.CaptureFixture, body: str, needle: str) -> None:
    write_config(project, body)
    code, out, err = run(["pkg"], capsys)
    assert code == 2 and out == ""
    assert needle in err and "pyproject.toml" in err
    assert "Traceback" not in err


def test_explicit_config_file(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "leaklint.toml").write_text('ignore = ["LL103"]\n')
    assert run(["pkg", "--config", "leaklint.toml"], capsys)[0] == 0
    code, _, err = run(["pkg", "--config", "missing.toml"], capsys)
    assert code == 2 and "missing.toml" in err


def test_gitignore_is_honoured(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / ".git").mkdir()
    (project / ".gitignore").write_text("# generated\n/pkg/leaky.py\n")
    code, _, err = run(["."], capsys)
    assert code == 0 and "1 file checked" in err
    (project / ".gitignore").write_text("*.py\n!clean.py\n")
    code, _, err = run(["."], capsys)
    assert code == 0 and "1 file checked" in err
    (project / "pkg" / ".gitignore").write_text("!leaky.py\n")
    assert run(["."], capsys)[0] == 1


def test_bad_files_do_not_stop_the_run(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "pkg" / "broken.py").write_text("def f(:\n")
    (project / "pkg" / "nul.py").write_bytes(b"x = 1\0\n")
    (project / "pkg" / "dangling.py").symlink_to(project / "nowhere.py")
    code, out, err = run(["pkg"], capsys)
    lines = out.splitlines()
    assert code == 1
    assert any(line.startswith("pkg/broken.py:1:") and " LL000 syntax error" in line for line in lines)
    assert any(line.startswith("pkg/nul.py:1:1: LL000") for line in lines)
    assert any(line.startswith("pkg/dangling.py:1:1: LL000 broken symbolic link") for line in lines)
    assert any("LL103" in line for line in lines)
    assert "Traceback" not in err


def test_parallel_matches_serial(project: Path, capsys: pytest.CaptureFixture) -> None:
    for i in range(12):
        (project / "pkg" / f"m{i}.py").write_text(LEAKY if i % 3 == 0 else CLEAN)
    serial = run(["pkg", "--jobs", "1", "--format", "json"], capsys)[1]
    parallel = run(["pkg", "--jobs", "2", "--format", "json"], capsys)[1]
    assert serial == parallel and len(json.loads(serial)) == 5


def test_python_dash_m(project: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "leaklint", "pkg", "--no-cache"], capture_output=True, text=True)
    assert proc.returncode == 1 and "LL103" in proc.stdout
