"""Applying fixes: choose the wanted ones, apply them to a fixed point, check, write atomically.

- `wanted`: a finding's fix is applied when it is safe (or unsafe fixes are allowed) and its
  code is in `fixable` and not in `unfixable` (selectors as in `select`: codes, prefixes, ALL).
- `fix_source`: lint, apply every wanted fix whose edits do not overlap an earlier one, check
  that the result still parses (libcst) and compiles (CPython), lint again, and repeat until no
  wanted fix is left (a fixed point) or `max_passes` passes have run. A fix whose result does
  not parse or compile is dropped and reported, never written. Only a file that parsed is
  fixed (a file with LL000 is left alone).
- `fix_file`: the same for a file on disk, then `write_atomic`, which refuses to write when the
  file changed since it was read.

Fixes come with the findings (`Finding.fix`), so a result answered by the result cache has its
fixes too: the cache stores them with the findings and `--fix` needs no cache bypass. It does
lint a file again before fixing it, since the fixes are applied to the text it reads then.
"""

from __future__ import annotations

import difflib
import io
import os
import tokenize
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence, Set, Tuple

from .fsutil import WriteError
from .types import Applicability, Edit, Finding, Fix

MAX_PASSES = 10


@dataclass(frozen=True)
class FixOptions:
    unsafe: bool = False
    fixable: Optional[Tuple[str, ...]] = None  # None: every rule
    unfixable: Tuple[str, ...] = ()
    max_passes: int = MAX_PASSES


def _matches(code: str, selectors: Sequence[str]) -> bool:
    return any(s == "ALL" or code.startswith(s) for s in selectors)


def wanted(finding: Finding, options: FixOptions) -> bool:
    fix = finding.fix
    if fix is None:
        return False
    if fix.applicability is Applicability.UNSAFE and not options.unsafe:
        return False
    if options.fixable is not None and not _matches(finding.code, options.fixable):
        return False
    return not _matches(finding.code, options.unfixable)


def withheld_unsafe(finding: Finding, options: FixOptions) -> bool:
    """An unsafe fix that `--unsafe-fixes` would apply."""
    if finding.fix is None or finding.fix.applicability is not Applicability.UNSAFE or options.unsafe:
        return False
    return wanted(finding, FixOptions(True, options.fixable, options.unfixable))


# ------------------------------------------------------------------------------ edits
def _line_starts(text: str) -> List[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _offset(starts: List[int], text: str, line: int, column: int) -> int:
    if line < 1 or line > len(starts):
        if line == len(starts) + 1 and column == 1:
            return len(text)
        raise ValueError(f"edit position {line}:{column} is outside the file")
    off = starts[line - 1] + column - 1
    end = starts[line] if line < len(starts) else len(text)
    if off > end:
        raise ValueError(f"edit position {line}:{column} is outside line {line}")
    return off


def _spans(text: str, edits: Sequence[Edit], starts: Optional[List[int]] = None) -> List[Tuple[int, int, str]]:
    starts = starts or _line_starts(text)
    return [(_offset(starts, text, e.start_line, e.start_column), _offset(starts, text, e.end_line, e.end_column), e.content) for e in edits]


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits (any order) to `text`."""
    spans = sorted(_spans(text, edits))
    for (s1, e1, _), (s2, _e2, _) in zip(spans, spans[1:]):
        if s2 < e1:
            raise ValueError("overlapping edits")
    out = text
    for start, end, content in reversed(spans):
        out = out[:start] + content + out[end:]
    return out


def _overlaps(a: Tuple[int, int], b: Tuple[int, int]) -> bool:
    return (a[0] < b[1] and b[0] < a[1]) or a[0] == b[0]


def choose(text: str, fixes: Sequence[Tuple[Finding, Fix]]) -> Tuple[List[Tuple[Finding, Fix]], List[Tuple[Finding, Fix]]]:
    """(fixes to apply now, fixes that overlap an earlier one and wait for the next pass)."""
    starts = _line_starts(text)
    taken: List[Tuple[int, int]] = []
    now, later = [], []
    ordered = sorted(fixes, key=lambda ff: min((e.start_line, e.start_column) for e in ff[1].edits))
    for finding, fix in ordered:
        try:
            ranges = [(s, e) for s, e, _ in _spans(text, fix.edits, starts)]
        except ValueError:
            continue
        if any(_overlaps(r, t) for r in ranges for t in taken):
            later.append((finding, fix))
            continue
        taken.extend(ranges)
        now.append((finding, fix))
    return now, later


# ------------------------------------------------------------------------------ checking
def compiles(text: str, path: str = "<fixed>") -> bool:
    try:
        compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def check_source(text: str, path: str = "<fixed>", must_compile: bool = True) -> Optional[str]:
    """None when `text` parses with libcst and compiles; else why not. `must_compile` False:
    the file used syntax newer than this interpreter before the fix, so only libcst's parse
    can judge it."""
    import libcst as cst

    from .engine import _run_on_big_stack

    if must_compile:
        try:
            compile(text, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            return f"does not compile: {getattr(exc, 'msg', exc)} (line {getattr(exc, 'lineno', '?')})"
        except (RecursionError, MemoryError):
            return "does not compile: nested too deeply"
    try:
        _run_on_big_stack(cst.parse_module, text)
    except Exception as exc:  # ParserSyntaxError and the native parser's own failures
        return f"does not parse with libcst: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


@dataclass
class Applied:
    finding: Finding  # as reported in the pass that applied it
    pass_number: int


@dataclass
class Dropped:
    finding: Finding
    reason: str


@dataclass
class FixResult:
    original: str
    source: str
    applied: List[Applied] = field(default_factory=list)
    dropped: List[Dropped] = field(default_factory=list)
    remaining: List[Finding] = field(default_factory=list)
    converged: bool = True
    passes: int = 0

    @property
    def changed(self) -> bool:
        return self.source != self.original


Linter = Callable[[str], List[Finding]]


def fix_source(text: str, lint: Linter, options: FixOptions, path: str = "<fixed>") -> FixResult:
    """Apply wanted fixes to a fixed point. `lint(text)` returns the findings for `text`."""
    result = FixResult(original=text, source=text)
    findings = lint(text)
    if any(f.code == "LL000" for f in findings):
        result.remaining = findings
        return result
    rejected: Set[Tuple[str, Tuple[str, ...]]] = set()

    def key(f: Finding) -> Tuple[str, Tuple[str, ...]]:
        assert f.fix is not None
        return (f"{f.code}:{f.fingerprint}", tuple(e.content for e in f.fix.edits))

    current = text
    must_compile = compiles(text, path)
    for number in range(1, options.max_passes + 1):
        candidates = [(f, f.fix) for f in findings if f.fix is not None and wanted(f, options) and key(f) not in rejected]
        if not candidates:
            break
        result.passes = number
        now, _later = choose(current, candidates)  # type: ignore[arg-type]
        new = _apply_checked(current, now, path, rejected, key, result, must_compile)
        if new is None:
            continue
        current, applied = new
        result.applied.extend(Applied(f, number) for f, _ in applied)
        findings = lint(current)
    else:
        leftover = [f for f in findings if f.fix is not None and wanted(f, options) and key(f) not in rejected]
        result.converged = not leftover
    result.source = current
    result.remaining = findings
    return result


def _apply_checked(current, chosen, path, rejected, key, result, must_compile=True):  # type: ignore[no-untyped-def]
    """Apply `chosen` together when the result checks; otherwise each alone, dropping those
    whose own result fails; then the survivors together, or only the first of them."""
    if not chosen:
        return None
    try:
        together = apply_edits(current, [e for _, fix in chosen for e in fix.edits])
        problem = check_source(together, path, must_compile)
    except ValueError as exc:
        together, problem = current, str(exc)
    if problem is None:
        return together, chosen
    survivors = []
    for finding, fix in chosen:
        try:
            alone = apply_edits(current, fix.edits)
            why = check_source(alone, path, must_compile)
        except ValueError as exc:
            why = str(exc)
        if why is None:
            survivors.append((finding, fix))
        else:
            rejected.add(key(finding))
            result.dropped.append(Dropped(finding, why))
    if not survivors:
        return None
    try:
        together = apply_edits(current, [e for _, fix in survivors for e in fix.edits])
        if check_source(together, path, must_compile) is None:
            return together, survivors
    except ValueError:
        pass
    first = survivors[0]
    return apply_edits(current, first[1].edits), [first]


# ------------------------------------------------------------------------------ files
class ChangedOnDisk(Exception):
    """The file changed between reading it and writing the fixed source."""


def detect_encoding(data: bytes) -> str:
    """The encoding Python reads this file in: 'utf-8-sig' with a BOM, a PEP 263 cookie, or utf-8."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return encoding


def encode_like(text: str, original: bytes) -> bytes:
    """`text` in the original file's encoding (a BOM stays a BOM, a cookie's codec is used)."""
    return text.encode(detect_encoding(original))


def write_atomic(path: str, data: bytes, expected: Optional[bytes] = None) -> None:
    """Write `data` over `path` with the project's one atomic write (`fsutil.write_bytes_atomic`:
    a temporary file in the same directory renamed over it, so a reader never sees half a file;
    the permission bits kept; a symlink's target written). With `expected`, refuses
    (ChangedOnDisk) when the file no longer holds exactly those bytes. The caller passes bytes
    already in the file's own encoding and with its own line endings. Raises WriteError."""
    from .fsutil import write_bytes_atomic

    if expected is not None:
        with open(os.path.realpath(path), "rb") as fh:
            if fh.read() != expected:
                raise ChangedOnDisk(f"{path} changed on disk since it was read; not written")
    write_bytes_atomic(path, data, keep_mode=True)


@dataclass
class FileFix:
    path: str
    display: str
    result: Optional[FixResult] = None
    written: bool = False
    error: Optional[str] = None


def fix_file(path: str, display: str, lint: Callable[[str, str], List[Finding]], options: FixOptions, write: bool = True) -> FileFix:
    """Fix one file. `lint(text, display)` lints a text as that file."""
    from .engine import SourceError, decode_source, read_bytes

    out = FileFix(path, display)
    try:
        data = read_bytes(path)
        text = decode_source(data)
    except SourceError as exc:
        out.error = f"{display}: not fixed: {exc.reason}"
        return out
    result = fix_source(text, lambda t: lint(t, display), options, display)
    out.result = result
    if write and result.changed:
        try:
            new_data = encode_like(result.source, data)
        except (UnicodeEncodeError, LookupError) as exc:
            out.error = f"{display}: not written: the fixed source cannot be encoded like the file ({exc})"
            return out
        try:
            write_atomic(path, new_data, expected=data)
            out.written = True
        except ChangedOnDisk as exc:
            out.error = str(exc)
        except WriteError as exc:
            out.error = f"{display}: not written: {exc}"
        except OSError as exc:
            out.error = f"{display}: not written: {exc.strerror or exc}"
    return out


def unified_diff(display: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=f"a/{display}", tofile=f"b/{display}")
    )
