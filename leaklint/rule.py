"""The Rule base class.

A rule is a libcst `BatchableCSTVisitor`: the engine runs every enabled rule in one batched
traversal of the file. A rule reads the shared traversal `Context` (`self.context`: scopes,
import-aware name resolution), collects facts in `visit_*` / `leave_*` methods, and reports with
`self.report(node, **placeholders)`, either on the spot or at the end of the module
(`leave_Module`) once it has seen everything it needs.

Class-level metadata is checked when the class is created, so a malformed rule fails at import,
not in a user's run.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import string
from typing import Any, ClassVar, Dict, List, Mapping, Optional, Sequence, Tuple, Type

import libcst as cst

from .analysis.scopes import Context
from .types import Confidence, Invalid, Valid

CODE_RE = re.compile(r"^LL[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Known problems", "## Fix safety", "## References")


class RuleDefinitionError(TypeError):
    """A rule class is missing metadata or has malformed metadata."""


@dataclasses.dataclass(frozen=True)
class Report:
    """A finding before positions are known: the node it is about and its formatted message."""

    node: cst.CSTNode
    message: str
    confidence: Confidence


class Rule(cst.BatchableCSTVisitor):
    # --- metadata every concrete rule sets -------------------------------------------------
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    message: ClassVar[str] = ""
    # --- metadata with defaults ------------------------------------------------------------
    confidence: ClassVar[Confidence] = Confidence.HIGH
    default_enabled: ClassVar[bool] = True
    # Identifiers the file text must contain (any one of them) for the rule to possibly fire.
    # Empty: the rule always runs. Checked on the raw text before parsing, so keep them exact
    # (e.g. "lru_cache", "cache") and never narrower than what the rule matches.
    triggers: ClassVar[Tuple[str, ...]] = ()
    # A frozen dataclass of settings, filled from `[tool.leaklint.<options_section>]`.
    Options: ClassVar[Optional[type]] = None
    # Config table the options come from; rules that share a table share an Options class.
    options_section: ClassVar[str] = ""
    # One line that says what the fix is (prose; rendered in docs and --explain).
    fix_title: ClassVar[str] = ""
    # Codes and pylint message names of peers' checks for the same pattern on the same line
    # (`B019`, `method-cache-max-size-none`): a `# noqa: B019` or `# pylint: disable=...` there
    # records a decision already made in review, and suppresses this rule's finding too.
    peer_codes: ClassVar[Tuple[str, ...]] = ()
    # Per-file facts the rule reads (`leaklint.analysis.facts.Fact` subclasses): the engine
    # collects each once per file, before the rules, whichever rules are selected.
    requires: ClassVar[Tuple[type, ...]] = ()
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if inspect.isabstract(cls) or not cls.__dict__.get("code"):
            return  # intermediate base classes carry no code
        _check_metadata(cls)

    def __init__(self, context: Context, options: Any = None) -> None:
        super().__init__()
        self.context = context
        self.options = options if options is not None else self.default_options()
        self.reports: List[Report] = []

    def fact(self, kind: Any) -> Any:
        """This file's instance of a fact the rule `requires`."""
        return self.context.fact(kind)

    # ------------------------------------------------------------------------------ options
    @classmethod
    def section(cls) -> str:
        return cls.options_section or cls.name

    @classmethod
    def default_options(cls) -> Any:
        return cls.Options() if cls.Options is not None else None

    @classmethod
    def active_triggers(cls, options: Any) -> Tuple[str, ...]:
        """Triggers for these options (a rule whose options add names widens its triggers)."""
        return cls.triggers

    # ------------------------------------------------------------------------------ reporting
    def report(
        self,
        node: cst.CSTNode,
        *,
        message: Optional[str] = None,
        confidence: Optional[Confidence] = None,
        **placeholders: Any,
    ) -> None:
        """Report `node`. `message` overrides the class template (same placeholders style);
        `confidence` lowers (or raises) the class default for this one finding."""
        template = message if message is not None else self.message
        self.reports.append(
            Report(
                node=node,
                message=template.format(**placeholders),
                confidence=confidence if confidence is not None else self.confidence,
            )
        )

    # ------------------------------------------------------------------------------ docs
    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The first sentence of 'What it does'."""
        text = cls.doc()
        body = text.split("## What it does", 1)[-1].strip().split("\n\n", 1)[0]
        return " ".join(body.split())


def _placeholders(template: str) -> List[str]:
    return [field for _, field, _, _ in string.Formatter().parse(template) if field]


def _check_metadata(cls: Type[Rule]) -> None:
    where = f"{cls.__module__}.{cls.__qualname__}"
    if not CODE_RE.match(cls.code):
        raise RuleDefinitionError(f"{where}: code {cls.code!r} must be LL followed by 3 digits")
    if not NAME_RE.match(cls.name):
        raise RuleDefinitionError(f"{where}: name {cls.name!r} must be kebab-case")
    if not cls.message or "\n" in cls.message:
        raise RuleDefinitionError(f"{where}: message must be one non-empty line")
    for field in _placeholders(cls.message):
        if not field.isidentifier():
            raise RuleDefinitionError(f"{where}: message placeholder {{{field}}} must be named")
    if not isinstance(cls.confidence, Confidence):
        raise RuleDefinitionError(f"{where}: confidence must be a Confidence")
    if isinstance(cls.triggers, str) or not all(isinstance(t, str) and t for t in cls.triggers):
        raise RuleDefinitionError(f"{where}: triggers must be a tuple of non-empty strings")
    doc = cls.doc()
    missing = [s for s in DOC_SECTIONS if s not in doc]
    if missing:
        raise RuleDefinitionError(f"{where}: docstring lacks sections {missing}")
    if cls.Options is not None:
        if not (dataclasses.is_dataclass(cls.Options) and cls.Options.__dataclass_params__.frozen):  # type: ignore[attr-defined]
            raise RuleDefinitionError(f"{where}: Options must be a frozen dataclass")
        for f in dataclasses.fields(cls.Options):
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:  # type: ignore[misc]
                raise RuleDefinitionError(f"{where}: option {f.name} needs a default")
    if not cls.VALID or not cls.INVALID:
        raise RuleDefinitionError(f"{where}: a rule needs VALID and INVALID cases")
    marker = re.compile(rf"#\s*{cls.code}\b")
    for case in cls.INVALID:
        if not isinstance(case, Invalid):
            raise RuleDefinitionError(f"{where}: INVALID holds Invalid cases only")
        if not marker.search(case.code):
            raise RuleDefinitionError(
                f"{where}: INVALID case {case.id or case.code[:40]!r} marks no line with '# {cls.code}'"
            )
    for case in cls.VALID:
        if not isinstance(case, Valid):
            raise RuleDefinitionError(f"{where}: VALID holds Valid cases only")


def expected_lines(code: str, rule_code: str) -> List[int]:
    """1-based lines of `code` marked with a trailing `# LLxxx` comment for `rule_code`."""
    pattern = re.compile(rf"#.*\b{rule_code}\b")
    return [i for i, line in enumerate(code.splitlines(), 1) if pattern.search(line)]


def options_from_mapping(rule: Type[Rule], values: Mapping[str, Any]) -> Any:
    """Build the rule's Options from already-validated config values (unknown keys ignored:
    a shared section may hold keys for a sibling rule)."""
    if rule.Options is None:
        return None
    names = {f.name for f in dataclasses.fields(rule.Options)}
    kwargs: Dict[str, Any] = {k: v for k, v in values.items() if k in names}
    return rule.Options(**kwargs)
