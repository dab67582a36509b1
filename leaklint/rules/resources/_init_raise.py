"""Raised out of `__init__`: a resource stored on `self` at the top of `__init__`, then a
`raise` (or a call whose body raises) before anything releases `self.<attr>`.

The caller of a constructor that raises never gets the object, so nobody can close what the
half-made object holds; only a `__del__` of the class itself would. Used by LL401's
`__init__`-raise form (`resource_not_closed`).

- `raise_after_store(init, cls, store, self_name, raises)`: for `store`, the flow event of
  `self.<attr> = <resource>` in `init` (the `__init__` of `cls`), the first `raise` (or call
  that `raises` says raises) after it, reached before a release of `self.<attr>`; None when
  there is none, when the store is not a top-level statement of the body (a branch, a loop or
  a try may have another story), or when `cls` defines its own `__del__` (the finaliser runs
  on the half-made object too).
"""

from __future__ import annotations

from typing import Callable, List, Optional

import libcst as cst

from ...analysis.body import calls_under, inner_blocks
from ...analysis.classes import defines
from ...analysis.flow import Event, closeish
from ...knowledge.resources import RELEASE_ALL
from ...traverse import children


def _releases_attr(node: cst.CSTNode, self_name: str, attr: str) -> bool:
    """Whether `node` mentions `self.<attr>` other than by reading through a method call
    (a release, a hand-over: anything that may close or move it)."""
    found = False

    def visit(current: cst.CSTNode, parent: Optional[cst.CSTNode], grand: Optional[cst.CSTNode]) -> None:
        nonlocal found
        if found:
            return
        if (
            isinstance(current, cst.Attribute)
            and isinstance(current.value, cst.Name)
            and current.value.value == self_name
            and current.attr.value == attr
        ):
            if isinstance(parent, cst.Attribute) and parent.value is current and isinstance(grand, cst.Call):
                if parent.attr.value in RELEASE_ALL or closeish(parent.attr.value):
                    found = True
                return
            if isinstance(parent, cst.Arg):
                found = True  # handed to a call: perhaps closed there
            return
        for child in children(current):
            visit(child, current, parent)

    visit(node, None, None)
    return found


def _unreleased_raise(
    statements: List[cst.CSTNode], self_name: str, attr: str, raises: Callable[[cst.Call], bool]
) -> Optional[cst.CSTNode]:
    """The first `raise` reached in `statements` (and the blocks of their if / for / while /
    with) before a release of `self.<attr>`, or the first call that `raises` accepts;
    statements inside a `try` are skipped (a handler may release it), as are nested
    definitions."""
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            if _releases_attr(statement, self_name, attr):
                return None
            for small in statement.body:
                if isinstance(small, cst.Raise):
                    return small
                call = next((c for c in calls_under(small) if raises(c)), None)
                if call is not None:
                    return call
            continue
        if isinstance(statement, (cst.Try, cst.TryStar, cst.FunctionDef, cst.ClassDef)):
            if _releases_attr(statement, self_name, attr):
                return None
            continue
        if _releases_attr(getattr(statement, "test", None) or cst.Pass(), self_name, attr):
            return None
        for block in inner_blocks(statement):
            found = _unreleased_raise(block, self_name, attr, raises)
            if found is not None:
                return found
        if _releases_attr(statement, self_name, attr):
            return None  # released inside one of its blocks: what follows is not judged
    return None


def raise_after_store(
    init: cst.FunctionDef, cls: Optional[cst.ClassDef], store: Event, self_name: str, raises: Callable[[cst.Call], bool]
) -> Optional[cst.CSTNode]:
    """The `raise` (or raising call) that leaves `self.<attr>` (`store.name`) open: see the
    module's docstring."""
    if store.frames or (cls is not None and defines(cls, "__del__")):
        return None
    stored = store.statement
    statements = list(init.body.body) if isinstance(init.body, cst.IndentedBlock) else []
    statement = next(
        (s for s in statements if s is stored or (isinstance(s, cst.SimpleStatementLine) and stored in s.body)),
        None,
    )
    if statement is None:
        return None
    return _unreleased_raise(statements[statements.index(statement) + 1:], self_name, store.name, raises)
