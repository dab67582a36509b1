"""Formatters: text, json, sarif (2.1.0, for GitHub code scanning), github (workflow commands)."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, TextIO, Type

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


def write_text(findings: Sequence[Finding], out: TextIO, show_confidence: bool = False) -> None:
    for f in findings:
        extra = f" [{f.confidence}]" if show_confidence else ""
        out.write(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}{extra}\n")


def write_json(findings: Sequence[Finding], out: TextIO) -> None:
    json.dump([f.as_dict() for f in findings], out, indent=2)
    out.write("\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(findings: Sequence[Finding], out: TextIO) -> None:
    """GitHub Actions workflow commands: each finding becomes an annotation on the PR diff."""
    for f in findings:
        level = "error" if f.code == "LL000" else "warning"
        props = ",".join(
            [
                f"file={_escape_property(f.path)}",
                f"line={f.line}",
                f"col={f.column}",
                f"endLine={f.end_line}",
                f"endColumn={f.end_column}",
                f"title={_escape_property(f.code + ' ' + f.name)}",
            ]
        )
        out.write(f"::{level} {props}::{_escape_data(f'{f.code} {f.message}')}\n")


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
