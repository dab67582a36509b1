"""Jupyter notebooks: code cells checked with the engine, magics neutralized in place, findings
mapped to cells in every format, directory walks, excludes, suppressions and the cache."""

import json
from pathlib import Path
from typing import List

import nbformat
import pytest

from leaklint.cli import main
from leaklint.engine import lint_source
from leaklint.notebook import NotebookError, _neutralize, read_notebook


def notebook(cells: List[object], language: str = "python") -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "k", "language": language, "display_name": "k"}
    nb.cells = [
        nbformat.v4.new_markdown_cell(c[1]) if isinstance(c, tuple) else nbformat.v4.new_code_cell(c)
        for c in cells
    ]
    return nbformat.writes(nb)


CELLS = [
    ("md", "# Analysis"),
    "import functools\n%matplotlib inline\n!pip install thing\nfiles = !ls\n",
    "%%bash\necho $((1 + 2))\nclass Broken(:\n",
    "class Service:\n    @functools.lru_cache(maxsize=None)\n    def lookup(self, key):\n        return key\n",
    "def load(p):\n    f = open(p)  # leaklint: ignore[LL401]\n    return f.read()\n\ndef read(p):\n    g = open(p)\n    return g.read()\n",
]


def test_findings_map_to_cells() -> None:
    found = lint_source(notebook(CELLS), "nb.ipynb")
    assert [(f.code, f.cell, f.line, f.column) for f in found] == [("LL103", 4, 3, 9), ("LL401", 5, 6, 9)]
    assert [f.location for f in found] == ["nb.ipynb:cell 4:3:9", "nb.ipynb:cell 5:6:9"]


def test_magics_are_neutralized_without_moving_lines() -> None:
    lines = ["%time x = f()", "if x:", "    !echo hi \\", "      more", "y = %env HOME", "z = x?", "obj?", "a == !b"]
    out = _neutralize(lines)
    assert len(out) == len(lines)
    assert out[:7] == ["pass", "if x:", "    pass", "", "y = ...", "z = x?", "pass"]
    assert _neutralize(["%%time", "x = open(p)"]) == ["", "x = open(p)"]
    assert _neutralize(["%%html", "<b>x</b>"]) == ["", ""]
    source = read_notebook(notebook(CELLS))
    assert source.text.count("\n") == len(source.lines) == 4 + 3 + 4 + 7
    assert source.locate(5) == (3, 1) and source.locate(8) == (4, 1)


def test_syntax_error_in_a_cell_is_ll000_in_that_cell() -> None:
    found = lint_source(notebook(["x = 1\n", ("md", "text"), "def f(:\n    pass\n"]), "nb.ipynb")
    assert [(f.code, f.cell, f.line) for f in found] == [("LL000", 3, 1)]


@pytest.mark.parametrize("text", ['{"a": 1}', "[1, 2]", "not json", '{"cells": 5, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}'])
def test_json_that_is_not_a_notebook_is_ll000(text: str) -> None:
    found = lint_source(text, "nb.ipynb")
    assert [f.code for f in found] == ["LL000"] and "not a notebook" in found[0].message
    with pytest.raises(NotebookError):
        read_notebook(text)


def test_non_python_kernel_and_ignore_file() -> None:
    assert lint_source(notebook(["f = open(p)\n"], language="R"), "nb.ipynb") == []
    leaky = "def r(p):\n    g = open(p)\n    return g.read()\n"
    assert len(lint_source(notebook([leaky]), "nb.ipynb")) == 1
    assert lint_source(notebook(["# leaklint: ignore-file\n", leaky]), "nb.ipynb") == []
    assert lint_source(notebook([leaky.replace("open(p)", "open(p)  # noqa: LL401")]), "nb.ipynb") == []


def test_old_notebook_versions_are_converted(tmp_path: Path) -> None:
    v3 = {
        "metadata": {"name": "old"}, "nbformat": 3, "nbformat_minor": 0,
        "worksheets": [{"cells": [{"cell_type": "code", "input": "def r(p):\n    g = open(p)\n    return g.read()\n", "language": "python", "outputs": [], "metadata": {}}], "metadata": {}}],
    }
    found = lint_source(json.dumps(v3), "old.ipynb")
    assert [(f.code, f.cell, f.line) for f in found] == [("LL401", 1, 2)]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "nb.ipynb").write_text(notebook(CELLS))
    (tmp_path / "notes" / "skip.ipynb").write_text(notebook(CELLS))
    (tmp_path / "pyproject.toml").write_text('[tool.leaklint]\nextend-exclude = ["skip.ipynb"]\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cli_text_json_sarif_github(tree: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["notes", "--no-cache"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "notes/nb.ipynb:cell 4:3:9: LL103 lru_cache on method Service.lookup keeps every instance it is called on alive for the life of the class",
        "notes/nb.ipynb:cell 5:6:9: LL401 [*] open() bound to g is never closed; it stays open until the garbage collector reclaims it",
    ]
    assert "1 file checked" in err  # skip.ipynb excluded
    assert main(["notes", "--no-cache", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(d["cell"], d["line"], d["end_line"]) for d in data] == [(4, 3, 3), (5, 6, 6)]
    assert main(["notes", "--no-cache", "--format", "sarif"]) == 1
    result = json.loads(capsys.readouterr().out)["runs"][0]["results"][0]
    assert result["properties"]["cell"] == 4 and result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert result["locations"][0]["logicalLocations"] == [{"name": "cell 4", "kind": "module"}]
    assert main(["notes", "--no-cache", "--format", "github"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert "cell 4, line 3" in first  # the github format is checked in test_github_annotations_*


def _annotation(row: str) -> dict:
    command, _, message = row.partition("::")[2].partition("::")
    level, _, props = command.partition(" ")
    out = dict(p.split("=", 1) for p in props.split(","))
    out["level"] = level
    out["message"] = message
    return out


def test_github_annotations_point_at_the_line_of_the_stored_file(tree: Path, capsys: pytest.CaptureFixture) -> None:
    stored = (tree / "notes" / "nb.ipynb").read_text().splitlines()
    assert main(["notes", "--no-cache", "--format", "github"]) == 1
    rows = [_annotation(r) for r in capsys.readouterr().out.splitlines()]
    assert [r["file"] for r in rows] == ["notes/nb.ipynb"] * 2
    # the JSON lines that hold `def lookup(...)` (cell 4, line 3) and `g = open(p)` (cell 5, line 6)
    lookup = next(n for n, text in enumerate(stored, 1) if "def lookup(self, key)" in text)
    opened = next(n for n, text in enumerate(stored, 1) if "g = open(p)" in text)
    assert [(int(r["line"]), int(r["endLine"])) for r in rows] == [(lookup, lookup), (opened, opened)]
    assert "col" not in rows[0] and "endColumn" not in rows[0]  # cell columns are not JSON columns
    assert rows[0]["title"] == "LL103 cached-instance-method (cell 4%2C line 3)"
    assert rows[1]["message"].startswith("cell 5, line 6: LL401 ")


def test_github_annotations_for_a_notebook_stored_on_one_line_or_as_one_string(tree: Path, capsys: pytest.CaptureFixture) -> None:
    path = tree / "notes" / "nb.ipynb"
    data = json.loads(path.read_text())
    path.write_text(json.dumps(data))  # minified: everything is on line 1
    assert main(["notes", "--no-cache", "--format", "github"]) == 1
    assert [_annotation(r)["line"] for r in capsys.readouterr().out.splitlines()] == ["1", "1"]
    for cell in data["cells"]:  # each source one string: the line of that string, the cell's first
        cell["source"] = "".join(cell["source"])
    path.write_text(json.dumps(data, indent=1))
    stored = path.read_text().splitlines()
    assert main(["notes", "--no-cache", "--format", "github"]) == 1
    rows = [_annotation(r) for r in capsys.readouterr().out.splitlines()]
    lines = [int(r["line"]) for r in rows]
    assert "class Service:" in stored[lines[0] - 1] and "def read(p):" in stored[lines[1] - 1]
    assert rows[1]["message"].startswith("cell 5, line 6: ")


def test_cli_show_source_from_the_cell(tree: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["notes/nb.ipynb", "--no-cache", "--show-source"]) == 1
    out = capsys.readouterr().out
    assert "6 |     g = open(p)\n  |         ^^^^^^^ LL401\n" in out


def test_cache_keeps_the_cell(tree: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    path = tree / "notes" / "nb.ipynb"
    old = time.time() - 60  # older than the racy window, so the stat index is used too
    os.utime(path, (old, old))
    assert main(["notes", "--cache-dir", "cache", "--format", "json", "-j", "1"]) == 1
    first = capsys.readouterr().out

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the notebook was read again instead of coming from the cache")

    import leaklint.notebook

    monkeypatch.setattr(leaklint.notebook, "lint_notebook", fail)
    assert main(["notes", "--cache-dir", "cache", "--format", "json", "-j", "1"]) == 1
    assert capsys.readouterr().out == first and json.loads(first)[0]["cell"] == 4


def test_notebook_without_cell_ids_is_read_quietly(tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": "def r(p):\n    g = open(p)\n    return g.read()\n"}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "nb.ipynb").write_text(json.dumps(nb))
    monkeypatch.chdir(tmp_path)
    with __import__("warnings").catch_warnings():
        __import__("warnings").simplefilter("error")
        assert main(["nb.ipynb", "--no-cache", "-q"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("nb.ipynb:cell 1:2:9: LL401") and err == ""
