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


class Applicability(str, enum.Enum):
    """How safe a fix is to apply, as ruff users know it: `safe` fixes keep the program's meaning,
    `unsafe` ones may change it (applied only with --unsafe-fixes)."""

    SAFE = "safe"
    UNSAFE = "unsafe"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Edit:
    """Replace the text from (start_line, start_column) up to, not including, (end_line,
    end_column) with `content`. Lines and columns are 1-based, like Finding's. An insertion has
    start == end; a deletion has content ""."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    content: str

    def as_dict(self) -> dict:
        # ruff's JSON shape, so tools written for ruff's output read ours
        return {
            "content": self.content,
            "location": {"row": self.start_line, "column": self.start_column},
            "end_location": {"row": self.end_line, "column": self.end_column},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Edit":
        return cls(
            start_line=data["location"]["row"],
            start_column=data["location"]["column"],
            end_line=data["end_location"]["row"],
            end_column=data["end_location"]["column"],
            content=data["content"],
        )


@dataclass(frozen=True)
class Fix:
    """An automatic fix for one finding: a message, how safe it is, and its edits (non-overlapping,
    in source order)."""

    message: str
    applicability: Applicability
    edits: Tuple[Edit, ...]

    def as_dict(self) -> dict:
        return {
            "applicability": str(self.applicability),
            "message": self.message,
            "edits": [e.as_dict() for e in self.edits],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Fix":
        return cls(
            message=data["message"],
            applicability=Applicability(data["applicability"]),
            edits=tuple(Edit.from_dict(e) for e in data["edits"]),
        )


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
    # in a Jupyter notebook: the cell (1-based position among all cells); `line` / `end_line`
    # are then lines of that cell. None in a Python file.
    cell: Optional[int] = None

    def sort_key(self) -> Tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.line, self.column, self.code)

    @property
    def location(self) -> str:
        """`path:line:col`, or `path:cell N:line:col` in a notebook (as ruff prints it)."""
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{self.path}:{cell}{self.line}:{self.column}"

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
            "fix": None if self.fix is None else self.fix.as_dict(),
            # only for notebooks: the JSON of a Python file is unchanged
            **({"cell": self.cell} if self.cell is not None else {}),
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
            fix=None if fix is None else Fix.from_dict(fix),
            cell=data.get("cell"),
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
