"""Plain data shared by every part of leaklint: findings, rule cases, confidence levels."""

from __future__ import annotations

import enum
import textwrap
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Tuple


class Confidence(enum.IntEnum):
    """How sure a rule is that a finding is a real leak risk. Ordered: LOW < MEDIUM < HIGH."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @classmethod
    def parse(cls, value: "str | Confidence") -> "Confidence":
        if isinstance(value, Confidence):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown confidence {value!r}: expected one of high, medium, low"
            ) from None

    def __str__(self) -> str:  # "high", as users write it in config and read it in output
        return self.name.lower()


@dataclass(frozen=True)
class Fix:
    """A replacement of source text. Reserved: no rule offers an automatic fix yet."""

    title: str
    start_line: int
    start_column: int
    end_line: int
    end_column: int
    replacement: str


@dataclass(frozen=True)
class Finding:
    """One reported problem. Lines are 1-based, columns 1-based (as flake8 and ruff print them)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    message: str
    confidence: Confidence = Confidence.HIGH
    # dotted name of the enclosing class / function ("" at module level): part of the baseline
    # fingerprint, so a finding keeps its identity when lines are inserted above it.
    scope: str = ""
    fix: Optional[Fix] = None
    # stable identity for baselines, SARIF partialFingerprints and the ecosystem labels:
    # hash of path, code, scope and the normalized text of the reported line, plus an
    # occurrence number among identical ones (see leaklint.engine.fingerprint)
    fingerprint: str = ""

    def sort_key(self) -> Tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "confidence": str(self.confidence),
            "scope": self.scope,
            "fingerprint": self.fingerprint,
            "fix": None
            if self.fix is None
            else {
                "title": self.fix.title,
                "start_line": self.fix.start_line,
                "start_column": self.fix.start_column,
                "end_line": self.fix.end_line,
                "end_column": self.fix.end_column,
                "replacement": self.fix.replacement,
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Finding":
        fix = data.get("fix")
        return cls(
            path=data["path"],
            line=data["line"],
            column=data["column"],
            end_line=data["end_line"],
            end_column=data["end_column"],
            code=data["code"],
            name=data["name"],
            message=data["message"],
            confidence=Confidence.parse(data["confidence"]),
            scope=data.get("scope", ""),
            fingerprint=data.get("fingerprint", ""),
            fix=None if fix is None else Fix(**fix),
        )


@dataclass(frozen=True)
class Valid:
    """Code a rule must not report. Near-misses that mark the rule's edges, and every false
    positive ever found on real code."""

    code: str
    id: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    path: str = "example.py"

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", _normalize(self.code))


def _normalize(code: str) -> str:
    """Cases are written indented inside triple quotes; store them as a module would be."""
    return textwrap.dedent(code).strip("\n") + "\n"


@dataclass(frozen=True)
class Invalid:
    """Code a rule must report. Every line that must be reported carries a trailing comment with
    the rule's code (`x = open(p)  # LL401`); the rule must report exactly those lines.

    `confidence` / `message_contains`, when given, must hold for every finding of the case."""

    code: str
    id: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    confidence: Optional[Confidence] = None
    message_contains: str = ""
    path: str = "example.py"

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", _normalize(self.code))
