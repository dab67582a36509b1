"""`--fix` end to end: CLI flags and summary, config keys, output formats, stdin, the safety
rules (parse + compile check, fixed point, idempotence, atomic write keeping mode, line endings
and encoding, refusing a file changed on disk) and the result cache."""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

from leaklint import fix as fixmod
from leaklint import fixes as fixes_pkg
from leaklint.cli import main
from leaklint.fix import ChangedOnDisk, FixOptions, apply_edits, fix_source, write_atomic
from leaklint.fsutil import WriteError
from leaklint.engine import lint_source
from leaklint.types import Applicability, Edit, Fix

RESOURCE = "def read(path):\n    fh = open(path)  # LL401\n    return fh.read()\n"
RESOURCE_FIXED = "def read(path):\n    with open(path) as fh:  # LL401\n        return fh.read()\n"
DEFAULT = "def add(tag, tags=[]):\n    tags.append(tag)\n"
DEFAULT_FIXED = "def add(tag, tags=None):\n    if tags is None:\n        tags = []\n    tags.append(tag)\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(args: List[str], capsys: pytest.CaptureFixture, cache: bool = False) -> Tuple[int, str, str]:
    # LL104 (off by default) is the rule with an unsafe fix used here
    code = main([*args, "--extend-select", "LL104", *([] if cache else ["--no-cache"])])
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------------------ CLI
def test_fix_applies_safe_fixes_and_says_what_remains(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "a.py").write_text(RESOURCE)
    (project / "b.py").write_text(DEFAULT)
    code, out, err = run([".", "--fix"], capsys)
    assert (project / "a.py").read_text() == RESOURCE_FIXED
    assert (project / "b.py").read_text() == DEFAULT  # unsafe: not without --unsafe-fixes
    assert code == 1 and "b.py:1:" in out and "LL104" in out and "a.py" not in out
    assert "fixed 1 finding in 1 file (1 remaining)" in err and "1 more with --unsafe-fixes" in err
    code, out, err = run([".", "--fix", "--unsafe-fixes"], capsys)
    assert (project / "b.py").read_text() == DEFAULT_FIXED
    assert code == 0 and out == "" and "fixed 1 finding in 1 file (0 remaining)" in err
    # a second run changes nothing
    code, out, err = run([".", "--fix", "--unsafe-fixes"], capsys)
    assert code == 0 and "fixed 0 findings in 0 files" in err


def test_summary_without_fix_counts_what_fix_would_do(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "a.py").write_text(RESOURCE)
    (project / "b.py").write_text(DEFAULT)
    code, _, err = run(["."], capsys)
    assert code == 1 and "1 fixable with --fix" in err and "1 more with --unsafe-fixes" in err
    assert (project / "a.py").read_text() == RESOURCE


def test_diff_prints_and_changes_nothing(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "a.py").write_text(RESOURCE)
    code, out, err = run(["a.py", "--diff"], capsys)
    assert code == 1
    assert out.startswith("--- a/a.py\n+++ b/a.py\n")
    assert "-    fh = open(path)  # LL401\n-    return fh.read()\n+    with open(path) as fh:  # LL401\n+        return fh.read()\n" in out
    assert (project / "a.py").read_text() == RESOURCE
    (project / "a.py").write_text(RESOURCE_FIXED)
    code, out, _ = run(["a.py", "--diff"], capsys)
    assert code == 0 and out == ""


def test_show_fixes(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "a.py").write_text(RESOURCE)
    (project / "b.py").write_text(DEFAULT)
    _, out, _ = run([".", "--show-fixes"], capsys)
    assert "Fixes available:\n" in out
    assert "- a.py:2:10: LL401 [safe] Close `fh` with a with block around its uses\n" in out
    assert "- b.py:1:14: LL104 [unsafe] Default `tags` to None" in out
    _, out, _ = run([".", "--fix", "--show-fixes"], capsys)
    assert "Fixed 1 finding:\n- a.py: 1 \u00d7 LL401 (resource-not-closed)\n" in out


def test_stdin_fix_writes_fixed_source_to_stdout(project: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(RESOURCE.encode())))
    code, out, err = run(["-", "--fix"], capsys)
    assert code == 0 and out == RESOURCE_FIXED and "fixed 1 finding, 0 remaining" in err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DEFAULT.encode())))
    code, out, err = run(["-", "--fix", "--stdin-filename", "b.py"], capsys)
    assert code == 1 and out == DEFAULT and "b.py:1:14: LL104" in err  # the finding goes to stderr


def test_config_keys(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "b.py").write_text(DEFAULT)
    (project / "a.py").write_text(RESOURCE)
    (project / "pyproject.toml").write_text('[tool.leaklint]\nunsafe-fixes = true\nunfixable = ["LL4"]\n')
    run([".", "--fix"], capsys)
    assert (project / "b.py").read_text() == DEFAULT_FIXED and (project / "a.py").read_text() == RESOURCE
    (project / "b.py").write_text(DEFAULT)
    (project / "pyproject.toml").write_text('[tool.leaklint]\nunsafe-fixes = true\nfixable = ["LL401"]\n')
    run([".", "--fix"], capsys)
    assert (project / "b.py").read_text() == DEFAULT and (project / "a.py").read_text() == RESOURCE_FIXED
    (project / "pyproject.toml").write_text('[tool.leaklint]\nunsafe-fixes = true\n')
    run([".", "--fix", "--no-unsafe-fixes"], capsys)
    assert (project / "b.py").read_text() == DEFAULT
    (project / "pyproject.toml").write_text('[tool.leaklint]\nunsafe-fixes = "yes"\n')
    code, _, err = run([".", "--fix"], capsys)
    assert code == 2 and "unsafe-fixes: expected a boolean" in err
    (project / "pyproject.toml").write_text('[tool.leaklint]\nfixable = ["LL9ZZ"]\n')
    code, _, err = run([".", "--fix"], capsys)
    assert code == 2 and "LL9ZZ" in err


def test_json_and_sarif_carry_the_fix(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "a.py").write_text(RESOURCE)
    _, out, _ = run(["a.py", "--format", "json"], capsys)
    fix = json.loads(out)[0]["fix"]
    assert fix["applicability"] == "safe" and fix["message"].startswith("Close `fh`")
    assert fix["edits"] == [
        {"content": "    with open(path) as fh:  # LL401\n        return fh.read()\n", "location": {"row": 2, "column": 1}, "end_location": {"row": 4, "column": 1}}
    ]
    _, out, _ = run(["a.py", "--format", "sarif"], capsys)
    result = json.loads(out)["runs"][0]["results"][0]
    (sarif_fix,) = result["fixes"]
    assert sarif_fix["description"]["text"].startswith("Close `fh`")
    assert sarif_fix["properties"]["applicability"] == "safe"
    (change,) = sarif_fix["artifactChanges"]
    assert change["artifactLocation"]["uri"].endswith("a.py")
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 2, "startColumn": 1, "endLine": 4, "endColumn": 1},
            "insertedContent": {"text": "    with open(path) as fh:  # LL401\n        return fh.read()\n"},
        }
    ]


def test_fix_from_a_cached_result(project: Path, capsys: pytest.CaptureFixture) -> None:
    """The fix is stored in the cache with its finding: a run answered by the cache still
    offers it, and --fix still fixes the file."""
    from leaklint.config import load_config
    from leaklint.runner import check_files

    (project / "a.py").write_text(RESOURCE)
    assert main(["a.py", "-q"]) == 1
    (result,) = check_files(["a.py"], load_config(start=Path(".")), 1, ".leaklint_cache")
    assert result.cached and result.findings[0].fix is not None
    assert result.findings[0].fix.edits[0].content == "    with open(path) as fh:  # LL401\n        return fh.read()\n"
    assert main(["a.py", "--fix", "-q"]) == 0
    assert (project / "a.py").read_text() == RESOURCE_FIXED
    capsys.readouterr()


# ------------------------------------------------------------------------------ safety
def test_file_keeps_crlf_mode_and_encoding(project: Path, capsys: pytest.CaptureFixture) -> None:
    crlf = RESOURCE.replace("\n", "\r\n").encode()
    (project / "crlf.py").write_bytes(crlf)
    latin = ("# -*- coding: latin-1 -*-\n# caf\u00e9\n" + RESOURCE).encode("latin-1")
    (project / "latin.py").write_bytes(latin)
    bom = b"\xef\xbb\xbf" + RESOURCE.encode()
    (project / "bom.py").write_bytes(bom)
    os.chmod("crlf.py", 0o750)
    run([".", "--fix"], capsys)
    assert (project / "crlf.py").read_bytes() == RESOURCE_FIXED.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(os.stat("crlf.py").st_mode) == 0o750
    assert (project / "latin.py").read_bytes() == ("# -*- coding: latin-1 -*-\n# caf\u00e9\n" + RESOURCE_FIXED).encode("latin-1")
    assert (project / "bom.py").read_bytes() == b"\xef\xbb\xbf" + RESOURCE_FIXED.encode()
    assert not [p for p in os.listdir(".") if p.endswith(".leaklint-tmp")]


def test_write_is_atomic_through_a_temporary_file_in_the_same_directory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "a.py").write_text("old\n")
    seen = []
    real_replace = os.replace

    def spy(src, dst):  # type: ignore[no-untyped-def]
        seen.append((os.path.dirname(os.path.abspath(src)), os.path.abspath(dst), Path(src).read_bytes(), Path(dst).read_bytes()))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    write_atomic("a.py", b"new\n", expected=b"old\n")
    (directory, target, tmp_content, target_before) = seen[0]
    assert directory == str(project) and target == str(project / "a.py")
    assert tmp_content == b"new\n" and target_before == b"old\n"  # the target was untouched until the rename
    assert (project / "a.py").read_bytes() == b"new\n"

    def failing(src, dst):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(WriteError, match="No space left on device"):
        write_atomic("a.py", b"newer\n")
    assert (project / "a.py").read_bytes() == b"new\n"
    assert os.listdir(project) == ["a.py"]  # the temporary file is removed


def test_file_changed_on_disk_is_not_written(project: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "a.py").write_text(RESOURCE)
    real = fixmod.fix_source

    def edit_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(*args, **kwargs)
        (project / "a.py").write_text(RESOURCE + "# edited in an editor meanwhile\n")
        return result

    monkeypatch.setattr(fixmod, "fix_source", edit_meanwhile)
    code, _, err = run(["a.py", "--fix"], capsys)
    assert (project / "a.py").read_text() == RESOURCE + "# edited in an editor meanwhile\n"
    assert "a.py changed on disk since it was read; not written" in err and code == 2
    with pytest.raises(ChangedOnDisk):
        write_atomic("a.py", b"x\n", expected=RESOURCE.encode())


def test_file_that_does_not_parse_is_not_fixed(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "a.py").write_text(RESOURCE + "def (:\n")
    code, out, _ = run(["a.py", "--fix"], capsys)
    assert "LL000" in out and (project / "a.py").read_text() == RESOURCE + "def (:\n"


def _fake_fixer(monkeypatch: pytest.MonkeyPatch, code: str, make) -> None:  # type: ignore[no-untyped-def]
    fixes_pkg._load()
    monkeypatch.setitem(fixes_pkg.FIXERS, code, fixes_pkg.Fixer(code, make, "test"))


def test_fix_that_breaks_the_file_is_dropped_and_reported(project: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(node, ctx):  # type: ignore[no-untyped-def]
        line = ctx.positions[node][0]
        return Fix("break it", Applicability.SAFE, (Edit(line, 1, line, 1, "    )\n"),))

    _fake_fixer(monkeypatch, "LL401", broken)
    (project / "a.py").write_text(RESOURCE)
    code, _, err = run(["a.py", "--fix"], capsys)
    assert (project / "a.py").read_text() == RESOURCE
    assert "a.py:2:10: fix for LL401 dropped: the fixed source does not compile" in err and code == 2


def test_fixes_that_never_settle_stop_after_max_passes(project: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    def grows(node, ctx):  # type: ignore[no-untyped-def]
        line = ctx.positions[node][0]
        return Fix("add a comment", Applicability.SAFE, (Edit(line, 1, line, 1, "    # again\n"),))

    _fake_fixer(monkeypatch, "LL401", grows)
    (project / "a.py").write_text(RESOURCE)
    code, _, err = run(["a.py", "--fix"], capsys)
    assert "a.py: fixes did not reach a fixed point after 10 passes" in err and code == 2
    assert (project / "a.py").read_text().count("# again") == 10


def test_overlapping_fixes_are_applied_over_passes() -> None:
    text = "def f(p, q):\n    a = open(p)  # LL401\n    b = open(q)  # LL401\n    return a.read() + b.read()\n"
    result = fix_source(text, lambda t: lint_source(t, "x.py"), FixOptions())
    assert result.passes == 2 and len(result.applied) == 2
    assert result.source == (
        "def f(p, q):\n    with open(p) as a:  # LL401\n        with open(q) as b:  # LL401\n"
        "            return a.read() + b.read()\n"
    )


def test_two_fixes_adding_the_same_import_conflict_and_settle() -> None:
    text = "import sqlite3\n\ndef f(db):\n    with sqlite3.connect(db) as c:\n        c.execute('x')\n\ndef g(db):\n    with sqlite3.connect(db) as c:\n        c.execute('y')\n"
    result = fix_source(text, lambda t: lint_source(t, "x.py"), FixOptions())
    assert result.source.count("import contextlib") == 1 and len(result.applied) == 2
    compile(result.source, "x.py", "exec")


def test_apply_edits_rejects_overlaps_and_positions_outside() -> None:
    assert apply_edits("abc\ndef\n", [Edit(1, 2, 1, 3, "X"), Edit(2, 1, 2, 1, "Y")]) == "aXc\nYdef\n"
    with pytest.raises(ValueError):
        apply_edits("abc\n", [Edit(1, 1, 1, 3, "X"), Edit(1, 2, 1, 4, "Y")])
    with pytest.raises(ValueError):
        apply_edits("abc\n", [Edit(5, 1, 5, 1, "X")])


def test_syntax_newer_than_this_python_is_checked_by_libcst_only() -> None:
    """A file this interpreter cannot compile (PEP 695 on 3.11) but libcst parses is still
    fixed; the compile check applies only to files that compiled before the fix."""
    text = "type Alias = list[int]\n\n" + RESOURCE
    result = fix_source(text, lambda t: lint_source(t, "x.py"), FixOptions())
    assert result.dropped == [] and result.source == "type Alias = list[int]\n\n" + RESOURCE_FIXED


def test_fix_refuses_baseline_and_stdin_with_paths(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "a.py").write_text(RESOURCE)
    code, _, err = run(["a.py", "--fix", "--write-baseline", "b.json"], capsys)
    assert code == 2 and "cannot be combined with --baseline" in err
    code, _, err = run(["a.py", "-", "--fix"], capsys)
    assert code == 2 and "take no other paths" in err
    assert (project / "a.py").read_text() == RESOURCE


def test_fix_context_finds_every_parent_without_the_whole_map() -> None:
    """`FixContext.parent` descends through source ranges instead of mapping the whole module;
    it must give libcst's parent for every node, whitespace and zero-width nodes included."""
    import libcst as cst

    from leaklint.fixes import FixContext
    from leaklint.traverse import all_children, positions

    source = (Path(__file__).resolve().parent.parent / "leaklint" / "fixes" / "exceptions.py").read_text(encoding="utf-8")
    source += "\nx = [a for a in b if a]  # comment\nif x: pass\nclass C(D, metaclass=M): y: int = 1\n"
    module = cst.parse_module(source)
    expected = {}
    stack = [module]
    while stack:
        node = stack.pop()
        for child in all_children(node):
            expected[child] = node
            stack.append(child)
    ctx = FixContext(module, source, positions(module))
    nodes = list(expected)
    assert len(nodes) > 1000
    whitespace = (cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.TrailingWhitespace, cst.Newline)
    assert all(ctx.parent(node) is expected[node] for node in nodes if not isinstance(node, whitespace))
    assert ctx._parents is None  # answered by descent alone
    assert all(ctx.parent(node) is expected[node] for node in nodes)  # whitespace too (the map)
    assert ctx.parent(module) is None
