"""Formatters: text, json, sarif (2.1.0, for GitHub code scanning), github (workflow commands)."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, TextIO, Tuple, Type

from . import __version__
from .types import Confidence, Finding, Fix

if TYPE_CHECKING:  # pragma: no cover
    from .rule import Rule

FORMATS = ("text", "json", "sarif", "github")
LL000_HELP = (
    "The file could not be read, decoded or parsed, so no rule could check it: a syntax error, "
    "Python 2 code, undecodable bytes, NUL bytes, nesting too deep to analyze, a broken link or "
    "a permission problem. Fix the file or exclude it."
)


def use_color(choice: str, stream: TextIO, env: Optional[Mapping[str, str]] = None) -> bool:
    """`--color always|never` win; under `auto`, NO_COLOR (set and not empty, no-color.org) turns
    colour off, FORCE_COLOR (set, not empty and not 0) turns it on, else colour on a terminal
    that is not `dumb`."""
    env = os.environ if env is None else env
    if choice == "always":
        return True
    if choice == "never":
        return False
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR") and env.get("FORCE_COLOR") != "0":
        return True
    return _isatty(stream) and env.get("TERM") != "dumb"


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


class _Style:
    def __init__(self, on: bool) -> None:
        self.on = on

    def __call__(self, text: str, *codes: str) -> str:
        if not self.on or not text:
            return text
        return f"\033[{';'.join(codes)}m{text}\033[0m"


BOLD, RED, CYAN, BLUE, YELLOW, DIM = "1", "31", "36", "34", "33", "2"
# `[*]`: a safe fix (applied by --fix, as in ruff); `[~]`: an unsafe one (only with --unsafe-fixes)
SAFE_MARK, UNSAFE_MARK = "[*]", "[~]"
DOCS_URL_ENV = "LEAKLINT_DOCS_URL"


def fix_marker(f: Finding) -> str:
    if f.fix is None:
        return ""
    return SAFE_MARK if str(f.fix.applicability) == "safe" else UNSAFE_MARK


def rule_link(code: str, env: Optional[Mapping[str, str]] = None) -> str:
    """Where to read a rule's page. There is no website: by default the command that prints the
    page of the installed version, offline (`leaklint --explain LL103`); with LEAKLINT_DOCS_URL
    set (the docs/rules/ folder of your clone's web view, say), `<base>/LL103.md`."""
    env = os.environ if env is None else env
    base = (env.get(DOCS_URL_ENV) or "").strip()
    if base:
        return f"{base.rstrip('/')}/{code}.md"
    return f"leaklint --explain {code}"


def read_lines(path: str, cell: Optional[int] = None) -> Sequence[str]:
    """The lines of a checked file (of one cell of a notebook), to show under a finding; empty
    when they cannot be read (stdin, a file gone since)."""
    if path in ("-", "<stdin>"):
        return ()
    if cell is not None:
        from .notebook import cell_source

        return cell_source(path, cell)
    import tokenize

    try:
        with tokenize.open(path) as fh:
            return fh.read().splitlines()
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return ()


def rule_catalogue() -> Sequence[Any]:
    """Every rule's code, name, default_enabled and fix_title, without importing the rules when
    they are not loaded yet (a run answered from the cache): then the built-in ones, from
    `leaklint/catalogue.json` (generated with the docs; looking for rule plugins alone would cost
    a cached run a third of its time), else every rule, plugins included."""
    import types as _types

    from . import registry

    if registry.all_rules.cache_info().currsize:
        return registry.all_rules()
    path = Path(__file__).resolve().parent / "catalogue.json"
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # pragma: no cover - a broken install
        return registry.all_rules()
    return tuple(_types.SimpleNamespace(**row) for row in rows)


def _fix_title(code: str) -> str:
    if code == "LL000":
        return ""
    for rule in rule_catalogue():
        if rule.code == code:
            return rule.fix_title or ""
    return ""


def _snippet(f: Finding, lines: Sequence[str], style: _Style) -> Tuple[List[str], int]:
    if not 0 < f.line <= len(lines):
        return [], len(str(f.line))
    text = lines[f.line - 1]
    shown = text.expandtabs(4)
    start = len(text[: max(f.column - 1, 0)].expandtabs(4))
    if f.end_line == f.line and f.end_column > f.column:
        end = len(text[: f.end_column - 1].expandtabs(4))
    else:  # to the end of the line (a multi-line or empty range)
        end = max(len(shown.rstrip()), start + 1)
    width = len(str(f.line))
    gutter = " " * width
    bar = style("|", BLUE, BOLD)
    return [
        f"{gutter} {bar}",
        f"{style(str(f.line), BLUE, BOLD)} {bar} {shown}",
        f"{gutter} {bar} {' ' * start}{style('^' * max(end - start, 1) + ' ' + f.code, RED, BOLD)}",
        f"{gutter} {bar}",
    ], width


def write_text(
    findings: Sequence[Finding],
    out: TextIO,
    show_confidence: bool = False,
    *,
    show_source: bool = False,
    color: bool = False,
    sources: Optional[Mapping[str, Sequence[str]]] = None,
) -> None:
    """One `path:line:col: CODE [*] message` line per finding (`[*]` / `[~]`: a safe / unsafe fix
    exists). With `show_source` (on a terminal), under it: the source line with a caret under the
    reported range, the fix (`= help:`) and where the rule's page is (`= docs:`), as ruff shows
    them. `sources`: lines of files that cannot be re-read (stdin)."""
    style = _Style(color)
    cache: Dict[Tuple[str, Optional[int]], Sequence[str]] = {}
    for f in findings:
        extra = f" [{f.confidence}]" if show_confidence else ""
        mark = fix_marker(f)
        mark = f" {style(mark, CYAN, BOLD)}" if mark else ""
        out.write(f"{style(f.location, BOLD)}: {style(f.code, RED, BOLD)}{mark} {f.message}{extra}\n")
        if not show_source:
            continue
        key = (f.path, f.cell)
        if key not in cache:
            cache[key] = (sources or {}).get(f.path) if f.cell is None and sources and f.path in sources else read_lines(f.path, f.cell)
        snippet, width = _snippet(f, cache[key], style)
        for line in snippet:
            out.write(line + "\n")
        pad = " " * width
        help_text = f.fix.message if f.fix is not None else _fix_title(f.code)
        if help_text:
            unsafe = " (unsafe: applied only with --unsafe-fixes)" if f.fix is not None and mark and UNSAFE_MARK in mark else ""
            out.write(f"{pad} {style('=', BLUE, BOLD)} {style('help', CYAN, BOLD)}: {help_text}{unsafe}\n")
        out.write(f"{pad} {style('=', BLUE, BOLD)} {style('docs', CYAN, BOLD)}: {rule_link(f.code)}\n\n")


def fix_counts(findings: Sequence[Finding]) -> Tuple[int, int]:
    """(findings with a safe fix, findings with an unsafe fix)."""
    safe = sum(1 for f in findings if f.fix is not None and str(f.fix.applicability) == "safe")
    unsafe = sum(1 for f in findings if f.fix is not None and str(f.fix.applicability) != "safe")
    return safe, unsafe


class Progress:
    """A one-line progress bar on stderr for long runs: shown only on a terminal, only once the
    run has lasted `delay` seconds, redrawn at most every `interval`, erased at the end."""

    def __init__(self, total: int, stream: TextIO, enabled: bool, delay: float = 1.5, interval: float = 0.1, clock: Any = None) -> None:
        import time

        self.total = total
        self.stream = stream
        self.enabled = enabled and total > 0
        self.delay = delay
        self.interval = interval
        self.clock = clock or time.monotonic
        self.start = self.clock()
        self.done = 0
        self.last_draw: Optional[float] = None
        self.drawn = False

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = self.clock()
        if now - self.start < self.delay:
            return
        if self.last_draw is not None and now - self.last_draw < self.interval and self.done < self.total:
            return
        self.last_draw = now
        width = 30
        filled = int(width * self.done / self.total)
        bar = "=" * filled + (">" if filled < width else "") + " " * max(width - filled - 1, 0)
        self.stream.write(f"\rleaklint [{bar}] {self.done}/{self.total} files {now - self.start:.0f}s")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.drawn = False


def write_json(findings: Sequence[Finding], out: TextIO) -> None:
    json.dump([f.as_dict() for f in findings], out, indent=2)
    out.write("\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(findings: Sequence[Finding], out: TextIO) -> None:
    """GitHub Actions workflow commands: each finding becomes an annotation on the PR diff.

    GitHub annotates lines of a file as stored, so a finding in a notebook is put on the line of
    the `.ipynb` JSON that holds its source line (nbformat writes one JSON string per source
    line), without columns (they are columns of the cell, not of the JSON), and the title and
    message say "cell N, line L"."""
    stored: Dict[str, Dict[int, Tuple[int, ...]]] = {}
    for f in findings:
        level = "error" if f.code == "LL000" else "warning"
        title = f"{f.code} {f.name}"
        if f.cell is None:
            where = [f"line={f.line}", f"col={f.column}", f"endLine={f.end_line}", f"endColumn={f.end_column}"]
            text = f"{f.code} {f.message}"
        else:
            if f.path not in stored:
                stored[f.path] = _notebook_lines(f.path)
            lines = stored[f.path].get(f.cell, ())
            line, end = (_json_line(lines, n) for n in (f.line, f.end_line))
            where = [f"line={line}", f"endLine={max(line, end)}"]
            title += f" (cell {f.cell}, line {f.line})"
            text = f"cell {f.cell}, line {f.line}: {f.code} {f.message}"
        props = ",".join([f"file={_escape_property(f.path)}", *where, f"title={_escape_property(title)}"])
        out.write(f"::{level} {props}::{_escape_data(text)}\n")


def _notebook_lines(path: str) -> Dict[int, Tuple[int, ...]]:
    from .notebook import stored_lines

    try:
        with open(path, encoding="utf-8") as fh:
            return stored_lines(fh.read())
    except (OSError, UnicodeDecodeError):
        return {}


def _json_line(lines: Sequence[int], line: int) -> int:
    """The file line of a cell's `line`: its own JSON line, else the cell's first (a source
    stored on one line, a line past the end), else the top of the file."""
    if 1 <= line <= len(lines):
        return lines[line - 1]
    return lines[0] if lines else 1


def _sarif_level(confidence: Confidence) -> str:
    return {Confidence.HIGH: "warning", Confidence.MEDIUM: "warning", Confidence.LOW: "note"}[confidence]


SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "leaklintFingerprint/v1"


def rule_help(rule: Type[Rule]) -> str:
    """The rule's documentation page (what `leaklint --explain` prints), as Markdown."""
    from .docs import render_rule

    text = render_rule(rule)
    return "\n".join(line for line in text.splitlines() if not line.startswith("<!--")).strip() + "\n"


def _why(rule: Type[Rule]) -> str:
    doc = rule.doc()
    body = doc.split("## Why is this bad?", 1)[-1]
    end = body.find("\n## ")
    return " ".join((body[:end] if end != -1 else body).split())


def sarif_rule(rule: Type[Rule]) -> Dict[str, object]:
    """A SARIF reportingDescriptor: short description (what it does), full description (why it
    leaks), help (the whole rule page), default level from the rule's confidence."""
    page = rule_help(rule)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": _why(rule)},
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": _sarif_level(rule.confidence), "enabled": rule.default_enabled},
        "properties": {"tags": ["leak", "reliability"], "precision": {3: "high", 2: "medium", 1: "low"}[int(rule.confidence)]},
    }


def sarif_fix(fix: "Fix", uri: Dict[str, str]) -> Dict[str, object]:
    """A SARIF 2.1.0 `fix`: one artifactChange with a replacement per edit (1-based line and
    column, end exclusive, as in leaklint's own edits); the applicability in its properties."""
    return {
        "description": {"text": fix.message},
        "artifactChanges": [
            {
                "artifactLocation": uri,
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": e.start_line,
                            "startColumn": e.start_column,
                            "endLine": e.end_line,
                            "endColumn": e.end_column,
                        },
                        "insertedContent": {"text": e.content},
                    }
                    for e in fix.edits
                ],
            }
        ],
        "properties": {"applicability": str(fix.applicability)},
    }


def _ll000_rule() -> Dict[str, object]:
    return {
        "id": "LL000",
        "name": "file-not-analyzed",
        "shortDescription": {"text": "A file could not be read or parsed."},
        "fullDescription": {"text": LL000_HELP},
        "help": {"text": LL000_HELP, "markdown": LL000_HELP},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["tool"]},
    }


def sarif_document(
    findings: Sequence[Finding],
    rules: Sequence[Type[Rule]],
    root: Optional[str] = None,
    errors: Sequence[str] = (),
) -> Dict[str, object]:
    """One SARIF 2.1.0 log with one run. Paths under `root` (default: the current directory)
    are relative URIs against the `%SRCROOT%` base, which code scanning maps to the repository
    checkout; `errors` (internal errors: files leaklint failed on) become tool notifications and
    mark the invocation unsuccessful."""
    root_path = Path(os.path.abspath(root or os.getcwd()))
    used = {f.code for f in findings}
    rule_objs: List[Dict[str, object]] = []
    index: Dict[str, int] = {}
    if "LL000" in used:
        index["LL000"] = len(rule_objs)
        rule_objs.append(_ll000_rule())
    by_code = {r.code: r for r in rules}
    from .registry import all_rules

    for r in all_rules():
        by_code.setdefault(r.code, r)
    for code in sorted(set(by_code) & (used | {r.code for r in rules})):
        index[code] = len(rule_objs)
        rule_objs.append(sarif_rule(by_code[code]))
    results = []
    for f in findings:
        uri = _artifact_uri(f.path, root_path)
        location: Dict[str, object] = {
            "physicalLocation": {
                "artifactLocation": uri,
                "region": {
                    "startLine": f.line,
                    "startColumn": f.column,
                    "endLine": max(f.end_line, f.line),
                    "endColumn": max(f.end_column, 1),
                },
            }
        }
        result: Dict[str, object] = {
            "ruleId": f.code,
            "level": "error" if f.code == "LL000" else _sarif_level(f.confidence),
            "message": {"text": f.message},
            "locations": [location],
            "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
            "properties": {"confidence": str(f.confidence), "scope": f.scope},
        }
        if f.cell is not None:  # a notebook: the region's lines are lines of this cell
            result["properties"]["cell"] = f.cell  # type: ignore[index]
            location["logicalLocations"] = [{"name": f"cell {f.cell}", "kind": "module"}]
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        if f.fix is not None:
            result["fixes"] = [sarif_fix(f.fix, uri)]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "leaklint",
                        "semanticVersion": __version__,
                        "version": __version__,
                        "rules": rule_objs,
                    }
                },
                "invocations": [_invocation(errors)],
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root_path.as_uri().rstrip("/") + "/"}},
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def _invocation(errors: Sequence[str]) -> Dict[str, object]:
    invocation: Dict[str, object] = {"executionSuccessful": not errors}
    if errors:
        invocation["toolExecutionNotifications"] = [{"level": "error", "message": {"text": e}} for e in errors]
    return invocation


def _artifact_uri(path: str, root: Path) -> Dict[str, str]:
    if path in ("-", "<stdin>"):
        return {"uri": "stdin"}
    from urllib.parse import quote

    absolute = Path(os.path.abspath(path))
    # as the user named it first (a symlinked file inside the tree stays inside), then resolved
    for candidate, base in ((absolute, Path(os.path.abspath(root))), (absolute.resolve(), root.resolve())):
        try:
            rel = candidate.relative_to(base)
        except ValueError:
            continue
        # a file name that is not UTF-8 holds lone surrogates: percent-encode its bytes
        return {"uri": quote(os.fsencode(rel.as_posix())), "uriBaseId": "%SRCROOT%"}
    return {"uri": absolute.resolve().as_uri()}


def write_sarif(
    findings: Sequence[Finding],
    out: TextIO,
    rules: Sequence[Type[Rule]],
    root: Optional[str] = None,
    errors: Sequence[str] = (),
) -> None:
    json.dump(sarif_document(findings, rules, root, errors), out, indent=2)
    out.write("\n")


def statistics(findings: Sequence[Finding]) -> List[tuple]:
    counts = Counter((f.code, f.name) for f in findings)
    return sorted(((n, code, name) for (code, name), n in counts.items()), key=lambda t: (-t[0], t[1]))


def write_statistics(findings: Sequence[Finding], out: TextIO) -> None:
    for n, code, name in statistics(findings):
        out.write(f"{n:>6}\t{code}\t{name}\n")


def write_rule_list(rules: Sequence[Type[Rule]], out: TextIO, fmt: str, enabled: Sequence[str]) -> None:
    if fmt == "json":
        json.dump(
            [
                {
                    "code": r.code,
                    "name": r.name,
                    "summary": r.summary(),
                    "message": r.message,
                    "confidence": str(r.confidence),
                    "default_enabled": r.default_enabled,
                    "enabled": r.code in enabled,
                    "fix": r.fix_title or None,
                    "options_section": r.section() if r.Options is not None else None,
                }
                for r in rules
            ],
            out,
            indent=2,
        )
        out.write("\n")
        return
    width = max((len(r.name) for r in rules), default=4)
    out.write(f"{'code':<6} {'name':<{width}}  {'default':<7}  {'enabled':<7}  summary\n")
    for r in rules:
        out.write(
            f"{r.code:<6} {r.name:<{width}}  {'on' if r.default_enabled else 'off':<7}  "
            f"{'yes' if r.code in enabled else 'no':<7}  {r.summary()}\n"
        )
