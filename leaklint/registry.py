"""Rule discovery and selection.

Rules are found by importing every module of `leaklint.rules` and the modules named by the
`leaklint.rules` entry-point group (third-party rule packs). Discovery runs once per process.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from functools import lru_cache
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Sequence, Tuple, Type

if TYPE_CHECKING:  # pragma: no cover
    from .rule import Rule  # imported when rules are loaded: selectors are checked without libcst


class RegistryError(Exception):
    pass


def _entry_point_modules() -> List[str]:
    try:
        from importlib.metadata import entry_points
    except ImportError:  # pragma: no cover - Python < 3.8
        return []
    eps = entry_points()
    if hasattr(eps, "select"):
        group = eps.select(group="leaklint.rules")
    else:  # pragma: no cover - Python 3.9 returns a dict
        group = eps.get("leaklint.rules", [])  # type: ignore[union-attr]
    return [ep.value.split(":", 1)[0] for ep in group]


def _rules_in(module: object) -> Iterable[Type[Rule]]:
    from .rule import Rule

    for _, obj in inspect.getmembers(module, inspect.isclass):
        if issubclass(obj, Rule) and obj.__dict__.get("code") and obj.__module__ == getattr(module, "__name__", None):
            yield obj


@lru_cache(maxsize=1)
def all_rules() -> Tuple[Type[Rule], ...]:
    """Every known rule class, sorted by code. Cached for the life of the process."""
    from . import rules as package

    # one module per rule, in a folder per family (rules/growth/, rules/resources/, ...);
    # modules whose name starts with "_" hold what a family's rules share
    modules = [
        m.name for m in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + ".")
        if not m.ispkg and not m.name.rsplit(".", 1)[-1].startswith("_")
    ]
    modules += _entry_point_modules()
    found: Dict[str, Type[Rule]] = {}
    names: Dict[str, str] = {}
    for name in modules:
        module = sys.modules.get(name) or importlib.import_module(name)
        for rule in _rules_in(module):
            other = found.get(rule.code)
            if other is not None and other is not rule:
                raise RegistryError(f"rule code {rule.code} is used by both {other.__module__} and {rule.__module__}")
            if rule.name in names and names[rule.name] != rule.code:
                raise RegistryError(f"rule name {rule.name} is used by both {names[rule.name]} and {rule.code}")
            found[rule.code] = rule
            names[rule.name] = rule.code
    return tuple(found[c] for c in sorted(found))


def rule_by_code(code: str) -> Optional[Type[Rule]]:
    code = code.strip().upper()
    for rule in all_rules():
        if rule.code == code:
            return rule
    for rule in all_rules():  # also accept the rule name
        if rule.name == code.lower():
            return rule
    return None


def _matches(code: str, selectors: Iterable[str]) -> bool:
    for s in selectors:
        if s == "ALL" or code.startswith(s):
            return True
    return False


def select_rules(
    select: Optional[Sequence[str]] = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    rules: Optional[Sequence[Type[Rule]]] = None,
) -> Tuple[Type[Rule], ...]:
    """Ruff-like selection. No `select`: the default-enabled rules. `select` / `extend-select`
    entries are codes or prefixes (`LL1`, `LL10`, `LL103`) or `ALL`; a rule that is off by
    default is on when any entry matches it. `ignore` wins over everything."""
    pool = tuple(rules if rules is not None else all_rules())
    if select is None:
        chosen = [r for r in pool if r.default_enabled]
    else:
        chosen = [r for r in pool if _matches(r.code, select)]
    chosen += [r for r in pool if r not in chosen and _matches(r.code, extend_select)]
    return tuple(r for r in sorted(chosen, key=lambda r: r.code) if not _matches(r.code, ignore))


def is_valid_selector(selector: str) -> bool:
    if selector == "ALL":
        return True
    if not selector.startswith("LL") or not selector[2:].isdigit() and selector[2:] != "":
        return False
    return len(selector) <= 5
