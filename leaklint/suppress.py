"""Suppression comments, read with tokenize (comments only, no tree walk), and only for files
that have findings.

- `# noqa` (bare: every code) and `# noqa: LL103, LL401` (flake8 style) on the reported line;
- `# leaklint: ignore` and `# leaklint: ignore[LL103, LL401]` on the reported line;
- `# leaklint: ignore-file` on a comment line anywhere in the file: the whole file is skipped
  (checked on the text before parsing, like flake8's `# flake8: noqa`).

"The reported line" follows flake8: when a token spans several physical lines (a triple-quoted
string, lines joined with a backslash), a comment on any of them covers all of them, so the CLI
and the flake8 plugin suppress exactly the same findings.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Dict, FrozenSet, Iterable, List, Optional

from .types import Finding

ALL = frozenset({"*"})

_NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*leaklint:\s*ignore(?![-\w])(?:\s*\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_IGNORE_FILE = re.compile(r"^[ \t]*#\s*leaklint:\s*ignore-file\b", re.IGNORECASE | re.MULTILINE)
_CODE_SPLIT = re.compile(r"[,\s]+")


def file_is_ignored(source: str) -> bool:
    """`# leaklint: ignore-file` on a comment line of its own. The text test is all most files
    pay; a match is confirmed with tokenize, so a docstring that shows the comment does not
    switch the file off."""
    if "ignore-file" not in source or _IGNORE_FILE.search(source) is None:
        return False
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT and _IGNORE_FILE.match(tok.line) and tok.line.lstrip().startswith(tok.string):
                return True
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return True  # cannot tokenize (the file is broken anyway): trust the text
    return False


def _codes(text: Optional[str]) -> FrozenSet[str]:
    if not text:
        return ALL
    codes = frozenset(c.upper() for c in _CODE_SPLIT.split(text.strip()) if c)
    return codes or ALL


def suppressions(source: str, noqa: bool = True) -> Dict[int, FrozenSet[str]]:
    """line -> codes suppressed on it ({"*"} for all). `noqa=False` reads only leaklint's own
    comments (under flake8, flake8 itself applies `# noqa`)."""
    out: Dict[int, FrozenSet[str]] = {}
    lowered = source.lower()
    if ("noqa" not in lowered or not noqa) and "leaklint" not in lowered:
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


def is_suppressed(code: str, codes: Optional[FrozenSet[str]]) -> bool:
    if not codes:
        return False
    if "*" in codes:
        return True
    return any(code.startswith(c) for c in codes)


def apply(findings: Iterable[Finding], source: str, noqa: bool = True) -> List[Finding]:
    findings = list(findings)
    if not findings:
        return findings
    table = suppressions(source, noqa)
    if not table:
        return findings
    return [f for f in findings if not is_suppressed(f.code, table.get(f.line))]
