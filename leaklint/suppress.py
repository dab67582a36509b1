"""Suppression comments, read with tokenize (comments only, no tree walk), and only for files
that have findings.

- `# noqa` (bare: every code) and `# noqa: LL103, LL401` (flake8 style) on the reported line;
- `# leaklint: ignore` and `# leaklint: ignore[LL103, LL401]` on the reported line;
- on a decorated `def` or `class`, those comments (and `# noqa: CODES`) on any of its decorator
  lines too, where bugbear, ruff and pylint report the same check;
- `# leaklint: ignore-file` on a comment line anywhere in the file: the whole file is skipped
  (checked on the text before parsing, like flake8's `# flake8: noqa`);
- a peer's suppression of the same check (`# noqa: B019`, `# pylint: disable=consider-using-with`)
  suppresses the rules that list that peer code in `Rule.peer_codes`; pylint's pragmas reach as
  far as pylint takes them (a block, the rest of a function, `disable-next=`, `enable=`: see
  `pylint_pragmas`).

"The reported line" follows flake8: when a token spans several physical lines (a triple-quoted
string, lines joined with a backslash), a comment on any of them covers all of them, so the CLI
and the flake8 plugin suppress exactly the same findings.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Dict, FrozenSet, Iterable, List, Optional, Tuple

from .pylint_pragmas import Scopes
from .types import Finding

ALL = frozenset({"*"})

_NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*leaklint:\s*ignore(?![-\w])(?:\s*\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_IGNORE_FILE = re.compile(r"^[ \t]*#\s*leaklint:\s*ignore-file\b", re.IGNORECASE | re.MULTILINE)
_CODE_SPLIT = re.compile(r"[,\s]+")
_PYLINT = re.compile(r"#\s*pylint:\s*disable\s*=\s*(?P<codes>[\w\-]+(?:\s*,\s*[\w\-]+)*)", re.IGNORECASE)


def file_is_ignored(source: str) -> bool:
    """`# leaklint: ignore-file` on a comment line of its own. The text test is all most files
    pay; a match is confirmed with tokenize, so a docstring that shows the comment does not
    switch the file off."""
    if "ignore-file" not in source:
        return False
    source = _universal_newlines(source)
    if _IGNORE_FILE.search(source) is None:
        return False
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT and _IGNORE_FILE.match(tok.line) and tok.line.lstrip().startswith(tok.string):
                return True
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return True  # cannot tokenize (the file is broken anyway): trust the text
    return False


def _universal_newlines(source: str) -> str:
    """Python (and so libcst's line numbers) ends a line at CR LF, LF or a lone CR; the readers
    here split on LF only, so a lone-CR file would be one long line to them."""
    if "\r" in source:
        return source.replace("\r\n", "\n").replace("\r", "\n")
    return source


def _codes(text: Optional[str]) -> FrozenSet[str]:
    if not text:
        return ALL
    codes = frozenset(c.upper() for c in _CODE_SPLIT.split(text.strip()) if c)
    return codes or ALL


def suppressions(source: str, noqa: bool = True, peers: bool = False) -> Dict[int, FrozenSet[str]]:
    """line -> codes suppressed on it ({"*"} for all). `noqa=False` reads only leaklint's own
    comments (under flake8, flake8 itself applies `# noqa`); with `peers`, the codes of other
    tools' `# noqa: X` comments are read too (under flake8 only those that are not leaklint's
    own, which flake8 applies). pylint's pragmas are scoped by blocks, not lines: `apply`
    reads them through `pylint_pragmas.Scopes`."""
    out: Dict[int, FrozenSet[str]] = {}
    source = _universal_newlines(source)
    lowered = source.lower()
    if "leaklint" not in lowered and ("noqa" not in lowered or not (noqa or peers)):
        return out
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):  # pragma: no cover - parsed already
        return out
    spans = []  # physical line ranges that flake8 treats as one line for `# noqa`
    first, last = None, -1
    for tok in tokens:
        if tok.type in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        first = tok.start[0] if first is None else min(first, tok.start[0])
        last = max(last, tok.end[0])
        if tok.type in (tokenize.NL, tokenize.NEWLINE):
            if last > first:
                spans.append((first, last))
            first, last = None, -1
        if tok.type != tokenize.COMMENT:
            continue
        line = tok.start[0]
        matches = [*_IGNORE.finditer(tok.string)]
        if noqa:
            matches += _NOQA.finditer(tok.string)
        for match in matches:
            _add(out, line, _codes(match.group("codes")))
        if peers:
            found = []
            if not noqa:  # flake8 applies `# noqa` itself, but knows nothing of peer codes
                found += [m.group("codes") for m in _NOQA.finditer(tok.string) if m.group("codes")]
            for text in found:
                codes = _codes(text) - ALL
                if not noqa:
                    codes = frozenset(c for c in codes if not c.startswith("LL"))
                if codes:
                    _add(out, line, codes)
    for first, last in spans:
        found = [out[n] for n in range(first, last + 1) if n in out]
        for codes in found:
            for n in range(first, last + 1):
                _add(out, n, codes)
    return out


def _add(table: Dict[int, FrozenSet[str]], line: int, codes: FrozenSet[str]) -> None:
    previous = table.get(line)
    if previous is None:
        table[line] = codes
    elif "*" in previous or "*" in codes:
        table[line] = ALL
    else:
        table[line] = previous | codes


def is_suppressed(code: str, codes: Optional[FrozenSet[str]], peer_codes: Iterable[str] = ()) -> bool:
    if not codes:
        return False
    if "*" in codes:
        return True
    return any(code.startswith(c) for c in codes) or any(p.upper() in codes for p in peer_codes)


def apply(
    findings: Iterable[Finding], source: str, noqa: bool = True, peers: Optional[Dict[str, Tuple[str, ...]]] = None
) -> List[Finding]:
    """Drop the suppressed findings. `peers`: rule code -> the peer codes that suppress it."""
    findings = list(findings)
    if not findings:
        return findings
    peers = peers or {}
    with_peers = any(peers.get(f.code) for f in findings)
    table = suppressions(source, noqa, peers=with_peers)
    pylint = Scopes(_universal_newlines(source)) if with_peers and "pylint" in source.lower() else None
    if not table and "@" not in source and not (pylint and pylint.pragmas):
        return findings
    lines = source.splitlines()
    decorated = None
    shape = _Shape(source)
    out = []
    for f in findings:
        own = peers.get(f.code, ())
        if is_suppressed(f.code, table.get(f.line), own):
            continue
        if pylint is not None and own and pylint.disabled(f.line, own):
            continue
        above = shape.decorator_lines(lines, f.line)
        if above:
            if decorated is None:
                decorated = _decorator_suppressions(source)
            if any(is_suppressed(f.code, decorated.get(n), own) for n in above):
                continue
        if own and (table or pylint is not None):
            # where the peer itself reports the same check: a line inside the finding's range
            # (bugbear's B023 and pylint's W0640 on the loop variable inside the lambda), and
            # for pylint the `def` line of a default (its W0102)
            elsewhere = list(range(f.line + 1, f.end_line + 1))
            if any(_names_a_peer(table.get(n), own) for n in elsewhere):
                continue
            if pylint is not None:
                header = shape.def_line_of_default(f.line)
                if any(pylint.disabled(n, own) for n in elsewhere + ([header] if header else [])):
                    continue
        out.append(f)
    return out


def _names_a_peer(codes: Optional[FrozenSet[str]], peer_codes: Iterable[str]) -> bool:
    """A comment that names one of the peer's codes (a bare `# noqa` on another line does not
    count: it is about that line)."""
    return bool(codes) and any(p.upper() in codes for p in peer_codes)  # type: ignore[operator]


class _Shape:
    """Where decorators and parameter defaults are, read with `ast` once, when first needed
    (decorators written over several lines; the `def` a default belongs to)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._decorators: Optional[Dict[int, List[int]]] = None
        self._defaults: Optional[Dict[int, int]] = None

    def _read(self) -> None:
        import ast

        self._decorators, self._defaults = {}, {}
        try:
            tree = ast.parse(self.source)
        except (SyntaxError, ValueError):
            return
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.decorator_list:
                spans: List[int] = []
                for decorator in node.decorator_list:
                    # the `@` stands on the line before the expression's first token only when
                    # written apart; the expression's lines are the decorator's
                    spans.extend(range(decorator.lineno, (decorator.end_lineno or decorator.lineno) + 1))
                self._decorators[node.lineno] = sorted(set(spans))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]:
                    self._defaults.setdefault(default.lineno, node.lineno)

    def decorator_lines(self, lines: List[str], line: int) -> List[int]:
        """The lines of the decorators of the `def` / `class` on `line` (bugbear and ruff report
        B019 on the decorator, leaklint on the decorated function's name)."""
        if line < 2 or line > len(lines) or not lines[line - 1].lstrip().startswith(("def ", "async ", "class ")):
            return []
        if "@" not in self.source:
            return []
        if self._decorators is None:
            self._read()
        return [n for n in (self._decorators or {}).get(line, []) if n < line]

    def def_line_of_default(self, line: int) -> Optional[int]:
        """The `def` line of the function whose parameter default starts on `line` (pylint
        reports `dangerous-default-value` there)."""
        if self._defaults is None:
            self._read()
        header = (self._defaults or {}).get(line)
        return header if header != line else None


def _decorator_suppressions(source: str) -> Dict[int, FrozenSet[str]]:
    """line -> codes, for comments that may stand on a decorator line and cover the decorated
    `def` / `class` reported below it (bugbear and ruff report B019 on the decorator, leaklint on
    the function's name, so either line must work): `# leaklint: ignore[...]`, bare
    `# leaklint: ignore`, `# noqa: CODES` and `# pylint: disable=...`. A bare `# noqa` there is
    about the decorator line itself and does not reach the function."""
    out: Dict[int, FrozenSet[str]] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):  # pragma: no cover - parsed already
        return out
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        line = tok.start[0]
        for match in _IGNORE.finditer(tok.string):
            _add(out, line, _codes(match.group("codes")))
        for match in [*_NOQA.finditer(tok.string), *_PYLINT.finditer(tok.string)]:
            if match.group("codes"):
                _add(out, line, _codes(match.group("codes")))
    return out
