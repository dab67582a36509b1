"""Rule regression cases kept in files: `tests/cases/<family>/<code>_<kind>_<name>.py`.

A rule's class holds the few cases its documentation page shows (`VALID`, `INVALID`); every
other case, each a whole module, is a file here, in the folder of the rule's family (growth,
registration, closures, resources, cycles, libraries). `<kind>` is `valid` (the rule must not
report anything in it) or `invalid` (the rule must report exactly the lines that carry a
trailing `# LLxxx` comment with its code, as in `INVALID`). A case that needs more than the
default ends with one line `# case: {...}`, JSON with any of: `options` (the rule's options),
`path` (the file name it is linted as, e.g. a test path), `confidence` and `message_contains`
(what every finding must have), `id` (a name for the case). That line is not part of the code
linted, so line numbers in the file are the line numbers of the case, and a case without one
can be checked directly with `leaklint`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Type, Union

from leaklint.types import Confidence, Invalid, Valid

CASES = Path(__file__).resolve().parent / "cases"
META_KEYS = {"options", "path", "confidence", "message_contains", "id"}
Case = Union[Valid, Invalid]


class CaseFileError(Exception):
    pass


def read_case(path: Path) -> Case:
    """The case a file holds; CaseFileError for a file that breaks the format."""
    code, kind, _ = path.stem.split("_", 2)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    meta: Dict[str, Any] = {}
    if lines and lines[-1].startswith("# case: "):
        try:
            meta = json.loads(lines[-1][len("# case: "):])
        except ValueError as exc:
            raise CaseFileError(f"{path}: the `# case:` line is not JSON: {exc}") from None
        if not isinstance(meta, dict) or set(meta) - META_KEYS:
            raise CaseFileError(f"{path}: `# case:` keys must be among {sorted(META_KEYS)}")
        text = "".join(lines[:-1])
    common = dict(code=text, id=meta.get("id") or path.stem.split("_", 2)[2], options=meta.get("options", {}), path=meta.get("path", "example.py"))
    if kind == "valid":
        if "confidence" in meta or "message_contains" in meta:
            raise CaseFileError(f"{path}: a valid case has no confidence or message")
        return Valid(**common)
    if kind == "invalid":
        conf = meta.get("confidence")
        return Invalid(**common, confidence=Confidence.parse(conf) if conf is not None else None, message_contains=meta.get("message_contains", ""))
    raise CaseFileError(f"{path}: the kind in the name must be valid or invalid, not {kind!r}")


def family(rule: Type[Any]) -> str:
    """The family folder of a rule: its package under leaklint/rules/ ("" for a rule from
    elsewhere, a plugin's, which has no case files here)."""
    parts = rule.__module__.split(".")
    return parts[2] if len(parts) == 4 and parts[:2] == ["leaklint", "rules"] else ""


def case_files(rule: Type[Any]) -> List[Path]:
    folder = family(rule)
    return sorted((CASES / folder).glob(f"{rule.code}_*.py")) if folder else []


def all_cases(rule: Type[Any]) -> List[Case]:
    """The rule's inline cases, then its case files."""
    return [*rule.VALID, *rule.INVALID, *(read_case(p) for p in case_files(rule))]
