"""Jupyter notebooks (`.ipynb`): checked cell by cell with the same engine as `.py` files.

The notebook is read with nbformat (older notebook versions are converted to version 4). Its
code cells are joined into one module, in order, as the kernel runs them (a name defined in one
cell is known in the next), one line of Python per line of cell: IPython syntax that is not
Python is neutralized *in place*, so no line moves:

- a line magic or shell escape (`%time f()`, `!pip install x`, `?obj`) becomes `pass` at the
  same indentation; `files = !ls` and `t = %timeit f()` keep the assignment (`files = ...`);
- a cell magic (`%%bash`, `%%html`) blanks the whole cell, except the cell magics whose body is
  Python (`%%time`, `%%timeit`, `%%capture`, `%%prun`, `%%debug`), where only the first line goes.

Findings are mapped back to `(cell, line in the cell)`; `cell` is the cell's position in the
notebook counting every cell (markdown ones too), starting at 1, as a reader counts them.
Suppression comments inside a cell work as in a file (`# leaklint: ignore-file` in any cell
switches the whole notebook off). Notebooks whose kernel is not Python are skipped.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type, Union

from .types import Finding

PYTHON_BODY_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
_MAGIC_ASSIGN = re.compile(r"^(\s*[A-Za-z_][\w.\s,\[\]()*]*?=\s*)[!%]")


class NotebookError(Exception):
    """The file is not a notebook nbformat can read."""


@dataclasses.dataclass(frozen=True)
class NotebookSource:
    """The Python of a notebook's code cells and where each line came from."""

    text: str
    # flat line (1-based) -> (cell number, 1-based line in the cell)
    lines: Tuple[Tuple[int, int], ...]
    # cell number -> the cell's original source lines (for showing a finding)
    cells: Tuple[Tuple[int, Tuple[str, ...]], ...]
    python: bool = True

    def locate(self, line: int) -> Tuple[int, int]:
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1]
        if self.lines:  # past the end (an error at EOF): the last line of the last cell
            return self.lines[-1]
        return (1, line)

    def cell_lines(self, cell: int) -> Tuple[str, ...]:
        return dict(self.cells).get(cell, ())


def _neutralize(cell_lines: List[str]) -> List[str]:
    if not cell_lines:
        return cell_lines
    first = cell_lines[0].lstrip()
    if first.startswith("%%"):
        name = first[2:].split(None, 1)[0] if first[2:].split() else ""
        if name in PYTHON_BODY_CELL_MAGICS:
            return ["", *_neutralize(cell_lines[1:])]
        return ["" for _ in cell_lines]
    out: List[str] = []
    continued = False
    for line in cell_lines:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if continued:
            out.append("")
            continued = line.rstrip().endswith("\\")
            continue
        if stripped.startswith(("%", "!", "?")) or (stripped.endswith("?") and not stripped.startswith("#") and re.fullmatch(r"[\w.]+\?\??", stripped.strip())):
            out.append(f"{indent}pass")
            continued = line.rstrip().endswith("\\")
            continue
        match = _MAGIC_ASSIGN.match(line)
        if match and "==" not in match.group(1) and not stripped.startswith("#"):
            out.append(f"{match.group(1)}...")
            continued = line.rstrip().endswith("\\")
            continue
        out.append(line)
    return out


def read_notebook(text: str) -> NotebookSource:
    """The code cells of a notebook given as JSON text; NotebookError when it is not one."""
    try:
        import nbformat
    except ImportError:  # pragma: no cover - a dependency; only a broken install lacks it
        raise NotebookError("notebooks need the nbformat package (pip install nbformat)") from None
    try:
        with warnings.catch_warnings():
            # nbformat warns about what it repairs (cells without ids, say): not the user's
            # problem here, and not leaklint output
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4, capture_validation_error={})
        cells = list(nb.cells)
    except Exception as exc:  # nbformat raises JSON, schema, conversion and type errors
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NotebookError(f"not a notebook nbformat can read: {reason}") from None
    metadata = nb.get("metadata", {}) or {}
    language = (metadata.get("kernelspec", {}) or {}).get("language") or (metadata.get("language_info", {}) or {}).get("name") or "python"
    code = []
    for number, cell in enumerate(cells, 1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        code.append((number, source))
    return from_cells(code, python=str(language).lower().startswith("python"))


def from_cells(cells: Sequence[Tuple[int, str]], python: bool = True) -> NotebookSource:
    """The module made of code cells given as (cell number, source), in the order the kernel
    runs them: what `read_notebook` builds from a file, and the language server from the
    cells an editor sends."""
    flat: List[str] = []
    where: List[Tuple[int, int]] = []
    originals: List[Tuple[int, Tuple[str, ...]]] = []
    for number, source in cells:
        lines = source.splitlines()
        originals.append((number, tuple(lines)))
        for n, line in enumerate(_neutralize(list(lines)), 1):
            flat.append(line)
            where.append((number, n))
    text_out = "\n".join(flat) + ("\n" if flat else "")
    return NotebookSource(text_out, tuple(where), tuple(originals), python=python)


def remap(findings: Sequence[Finding], nb: NotebookSource) -> List[Finding]:
    out = []
    for f in findings:
        cell, line = nb.locate(f.line)
        end_cell, end_line = nb.locate(f.end_line)
        if end_cell != cell:
            end_line = line
        out.append(dataclasses.replace(f, line=line, end_line=end_line, cell=cell))
    return out


def lint_notebook(
    source: Union[str, bytes],
    path: str,
    config: Any = None,
    *,
    rules: Optional[Sequence[Type[Any]]] = None,
    noqa: bool = True,
) -> List[Finding]:
    """Lint a notebook's code cells; a file that is not a notebook is one LL000 finding."""
    from .engine import SourceError, add_fingerprints, decode_source, error_finding, lint_source

    try:
        text = decode_source(source) if isinstance(source, bytes) else source
        nb = read_notebook(text)
    except SourceError as err:
        return add_fingerprints([error_finding(path, err)], "")
    except NotebookError as err:
        return add_fingerprints([error_finding(path, SourceError(str(err)))], "")
    if not nb.python:
        return []
    findings = lint_source(nb.text, path, config, rules=rules, noqa=noqa, notebook=False)
    return remap(findings, nb)


def cell_source(path: str, cell: int) -> Tuple[str, ...]:
    """The lines of one cell of the notebook at `path` (empty when it cannot be read)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return read_notebook(fh.read()).cell_lines(cell)
    except (OSError, UnicodeDecodeError, NotebookError):
        return ()


def stored_lines(text: str) -> Dict[int, Tuple[int, ...]]:
    """cell number -> for each line of the cell's source, the line of the `.ipynb` file (the JSON
    as stored) that holds it, for annotations on the file itself (GitHub's).

    nbformat writes a cell's source as an array of strings, one per source line, each on a line
    of its own; the strings are located by scanning the JSON (positions, which `json.loads` does
    not give). A source stored as one string, or an array on one line, puts every line of the
    cell on the JSON line of that string; a cell whose source cannot be found is left out (the
    caller falls back to line 1). Cells count from 1, every cell, as in findings."""
    out: Dict[int, Tuple[int, ...]] = {}
    try:
        scanner = _JsonPositions(text)
        for number, pieces in enumerate(scanner.cell_sources(), 1):
            if pieces is None:
                continue
            # each source line (as `read_notebook` splits the joined source) lies on the JSON
            # line of the string piece its first character comes from
            starts, at = [], 0
            for _, value in pieces:
                starts.append(at)
                at += len(value)
            lines: List[int] = []
            position = 0
            for line in "".join(value for _, value in pieces).splitlines(keepends=True):
                piece = bisect.bisect_right(starts, position) - 1
                lines.append(scanner.line_of(pieces[max(piece, 0)][0]))
                position += len(line)
            if not lines and pieces:
                lines.append(scanner.line_of(pieces[0][0]))
            out[number] = tuple(lines)
    except (ValueError, IndexError):  # not the JSON nbformat writes: no mapping
        return {}
    return out


class _JsonPositions:
    """Just enough of a JSON reader to find where each cell's `source` strings start."""

    def __init__(self, text: str) -> None:
        import json.decoder

        self.text = text
        self._scanstring = json.decoder.scanstring
        self._decoder = json.JSONDecoder()
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1

    def _ws(self, i: int) -> int:
        while i < len(self.text) and self.text[i] in " \t\r\n":
            i += 1
        return i

    def _expect(self, i: int, ch: str) -> int:
        i = self._ws(i)
        if i >= len(self.text) or self.text[i] != ch:
            raise ValueError(f"expected {ch!r} at {i}")
        return i + 1

    def _skip(self, i: int) -> int:
        _, end = self._decoder.raw_decode(self.text, self._ws(i))
        return end

    def cell_sources(self) -> List[Optional[List[Tuple[int, str]]]]:
        cells: List[Optional[List[Tuple[int, str]]]] = []

        def top(key: str, at: int) -> Optional[int]:
            if key != "cells" or self.text[at] != "[":
                return None
            i = self._ws(at + 1)
            if self.text[i] == "]":
                return i + 1
            while True:
                cells.append(None)
                i = self._cell(self._ws(i), cells)
                i = self._ws(i)
                if self.text[i] == "]":
                    return i + 1
                i = self._expect(i, ",")

        self._object(0, top)
        return cells

    def _cell(self, i: int, cells: List[Optional[List[Tuple[int, str]]]]) -> int:
        def member(key: str, at: int) -> Optional[int]:
            if key != "source":
                return None
            if self.text[at] == '"':
                value, end = self._scanstring(self.text, at + 1)
                cells[-1] = [(at, value)]
                return end
            if self.text[at] == "[":
                pieces: List[Tuple[int, str]] = []
                j = self._ws(at + 1)
                if self.text[j] == "]":
                    cells[-1] = pieces
                    return j + 1
                while True:
                    j = self._ws(j)
                    if self.text[j] != '"':
                        raise ValueError("a source piece that is not a string")
                    value, end = self._scanstring(self.text, j + 1)
                    pieces.append((j, value))
                    j = self._ws(end)
                    if self.text[j] == "]":
                        cells[-1] = pieces
                        return j + 1
                    j = self._expect(j, ",")
            return None

        return self._object(i, member)

    def _object(self, i: int, handle: Any) -> int:
        """Walk the object opening at `i`, calling `handle(key, offset of value)` for each
        member; `handle` returns the offset after the value it read, or None to have it skipped.
        Returns the offset after the closing brace."""
        i = self._expect(i, "{")
        i = self._ws(i)
        if self.text[i] == "}":
            return i + 1
        while True:
            i = self._expect(i, '"')
            key, i = self._scanstring(self.text, i)
            i = self._ws(self._expect(i, ":"))
            end = handle(key, i)
            i = self._ws(self._skip(i) if end is None else end)
            if self.text[i] == "}":
                return i + 1
            i = self._expect(i, ",")
