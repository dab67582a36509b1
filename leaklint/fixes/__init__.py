"""Fixers: one function per rule code that turns a finding's reported node into a `types.Fix`.

A fixer is registered with `@fixer("LL401", safety="...")` and called by the engine after the
traversal, with the node the rule reported and a `FixContext` (the parsed module, its text, node
positions and parents). It returns a `Fix` or None (no mechanical fix here: the right change
needs a decision). Fixers never edit text by hand: they build the changed libcst node and
`FixContext.replace` renders the enclosing top-level statement before and after, so the edit
keeps every comment and the file's own indentation and newlines.

`FIXERS` maps a rule code to its `Fixer` (function, and the prose the rule page shows under
"Fix" to say when the fix is safe and why).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import libcst as cst

from ..types import Applicability, Edit, Fix
from ..traverse import all_children

Range = Tuple[int, int, int, int]


@dataclass(frozen=True)
class Fixer:
    code: str
    function: Callable[[cst.CSTNode, "FixContext"], Optional[Fix]]
    # shown on the rule page: when the fix is safe, when it is unsafe, when there is none
    safety: str


FIXERS: Dict[str, Fixer] = {}


def fixer(code: str, safety: str) -> Callable[[Callable[[cst.CSTNode, "FixContext"], Optional[Fix]]], Callable[[cst.CSTNode, "FixContext"], Optional[Fix]]]:
    def register(fn: Callable[[cst.CSTNode, "FixContext"], Optional[Fix]]) -> Callable[[cst.CSTNode, "FixContext"], Optional[Fix]]:
        FIXERS[code] = Fixer(code, fn, " ".join(safety.split()))
        return fn

    return register


def fixer_for(code: str) -> Optional[Fixer]:
    _load()
    return FIXERS.get(code)


def fixable_codes() -> List[str]:
    _load()
    return sorted(FIXERS)


_LOADED = False


def _load() -> None:
    global _LOADED
    if not _LOADED:
        from . import closures, exceptions, logging_fixes, registration, resources, weakrefs  # noqa: F401

        _LOADED = True


class FixContext:
    """What a fixer may read about the file: the module, its text, positions and parents."""

    def __init__(self, module: cst.Module, text: str, positions: Dict[cst.CSTNode, Range]) -> None:
        self.module = module
        self.text = text
        self.positions = positions
        self._parents: Optional[Dict[cst.CSTNode, cst.CSTNode]] = None
        self._found: Dict[cst.CSTNode, cst.CSTNode] = {}  # parents found by `_descend`
        self._line_starts: Optional[List[int]] = None
        self._imports: Optional[Dict[str, str]] = None

    # ------------------------------------------------------------------ tree
    @property
    def parents(self) -> Dict[cst.CSTNode, cst.CSTNode]:
        if self._parents is None:
            parents: Dict[cst.CSTNode, cst.CSTNode] = {}
            stack: List[cst.CSTNode] = [self.module]
            while stack:
                node = stack.pop()
                for child in all_children(node):  # node.children, without a visitor per node
                    parents[child] = node
                    stack.append(child)
            self._parents = parents
        return self._parents

    def parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        """The node's parent. Found by descending from the module through the children whose
        source range holds the node's (a path, not a map of the whole module: a fix asks about
        a few nodes, and the whole map costs a walk of every node of the file); the map only
        when the ranges cannot tell (a node without a position)."""
        if self._parents is not None:
            return self._parents.get(node)
        known = self._found.get(node)
        if known is not None or node is self.module:
            return known
        if self._descend(node):
            return self._found.get(node)
        return self.parents.get(node)

    def _descend(self, target: cst.CSTNode) -> bool:
        positions = self.positions
        goal = positions.get(target)
        if goal is None:
            return False
        start, end = (goal[0], goal[1]), (goal[2], goal[3])
        stack: List[Tuple[cst.CSTNode, Optional[cst.CSTNode]]] = [(self.module, None)]
        path: List[cst.CSTNode] = []
        while stack:
            node, parent = stack.pop()
            if node is None:  # a marker: leaving `parent`'s subtree
                path.pop()
                continue
            if node is target:
                chain = path + [node]
                for upper, lower in zip(chain, chain[1:]):
                    self._found[lower] = upper
                return True
            path.append(node)
            stack.append((None, node))  # type: ignore[arg-type]
            kids = all_children(node)
            holding = []
            for child in kids:
                r = positions.get(child)
                if child is target or (r is not None and (r[0], r[1]) <= start and (r[2], r[3]) >= end):
                    holding.append(child)
            # a child's range may leave out part of its subtree (a def's range starts at `def`,
            # after its decorators; whitespace owned by a node sits outside it): when no child
            # holds the range, every child is searched
            stack.extend((child, node) for child in reversed(holding or kids))
        return False

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        parent = self.parent(node)
        while parent is not None:
            yield parent
            parent = self.parent(parent)

    def statement_of(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        """The SimpleStatementLine holding `node`, if `node` is inside one."""
        for anc in self.ancestors(node):
            if isinstance(anc, cst.SimpleStatementLine):
                return anc
            if isinstance(anc, (cst.BaseCompoundStatement, cst.Lambda)):
                return None
        return None

    def block_of(self, stmt: cst.CSTNode) -> Optional[cst.CSTNode]:
        """The IndentedBlock (or Module) whose body lists `stmt`."""
        parent = self.parent(stmt)
        if isinstance(parent, (cst.IndentedBlock, cst.Module)) and stmt in parent.body:
            return parent
        return None

    def function_of(self, node: cst.CSTNode) -> Optional[cst.FunctionDef]:
        for anc in self.ancestors(node):
            if isinstance(anc, cst.FunctionDef):
                return anc
            if isinstance(anc, (cst.ClassDef, cst.Lambda)):
                return None
        return None

    # ------------------------------------------------------------------ imports
    @property
    def imports(self) -> Dict[str, str]:
        """local name -> dotted name it was imported as, for module-level imports."""
        if self._imports is None:
            table: Dict[str, str] = {}
            for stmt in self.module.body:
                if not isinstance(stmt, cst.SimpleStatementLine):
                    continue
                for small in stmt.body:
                    if isinstance(small, cst.Import):
                        for alias in small.names:
                            full = dotted(alias.name) or ""
                            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                                table[alias.asname.name.value] = full
                            else:
                                table[full.split(".")[0]] = full.split(".")[0]
                    elif isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None:
                        base = dotted(small.module) or ""
                        if isinstance(small.names, cst.ImportStar):
                            continue
                        for alias in small.names:
                            name = dotted(alias.name) or ""
                            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
                            table[local] = f"{base}.{name}"
            self._imports = table
        return self._imports

    def qualified(self, expr: cst.BaseExpression) -> Optional[str]:
        """`open` -> builtins.open, `sq.connect` -> sqlite3.connect (through module imports)."""
        name = dotted(expr)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        if head in self.imports:
            full = self.imports[head]
            return f"{full}.{rest}" if rest else full
        if not rest:
            return f"builtins.{head}"
        return name

    def local_name_for_module(self, module: str) -> Optional[str]:
        """The name under which `import module` is bound at module level, if it is."""
        for local, full in self.imports.items():
            if full == module and "." not in local:
                return local
        return None

    def import_edit(self, module: str) -> Optional[Edit]:
        """An insertion of `import module` after the docstring and `__future__` imports."""
        index = 0
        body = self.module.body
        for i, stmt in enumerate(body):
            if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
                small = stmt.body[0]
                if i == 0 and isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
                    index = i + 1
                    continue
                if isinstance(small, cst.ImportFrom) and small.module is not None and dotted(small.module) == "__future__":
                    index = i + 1
                    continue
            break
        newline = self.module.default_newline
        if index < len(body):
            stmt = body[index]
            pos = self.positions.get(stmt)
            if pos is None:
                return None
            line = pos[0]  # after the blank lines and comments that lead the statement
            return Edit(line, 1, line, 1, f"import {module}{newline}")
        # nothing after the docstring / future imports: append at the end of the file
        lines = self.text.split("\n")
        last = len(lines)
        end_col = len(lines[-1]) + 1
        prefix = "" if self.text.endswith("\n") or not self.text else newline
        return Edit(last, end_col, last, end_col, f"{prefix}import {module}{newline}")

    # ------------------------------------------------------------------ edits
    def line_starts(self) -> List[int]:
        if self._line_starts is None:
            starts = [0]
            for i, ch in enumerate(self.text):
                if ch == "\n":
                    starts.append(i + 1)
            self._line_starts = starts
        return self._line_starts

    def location(self, offset: int) -> Tuple[int, int]:
        starts = self.line_starts()
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - starts[lo] + 1

    def top_statement(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        current = node
        for anc in self.ancestors(node):
            if isinstance(anc, cst.Module):
                return current
            current = anc
        return node if node in self.module.body else None

    def _offset_of(self, top: cst.CSTNode, rendered: str) -> Optional[int]:
        pos = self.positions.get(top)
        starts = self.line_starts()
        if pos is not None:
            first = pos[0]
            for back in range(0, _leading_count(top) + len(getattr(top, "decorators", ())) + 3):
                line = first - back
                if 1 <= line <= len(starts):
                    off = starts[line - 1]
                    if self.text.startswith(rendered, off):
                        return off
        found = self.text.find(rendered)
        if found >= 0 and self.text.find(rendered, found + 1) < 0:
            return found
        return None

    def replace(self, old: cst.CSTNode, new: cst.CSTNode) -> Optional[Edit]:
        """The smallest edit that turns the file's `old` node into `new`."""
        top = self.top_statement(old)
        if top is None:
            return None
        new_top = new if top is old else top.deep_replace(old, new)
        return self._diff(top, new_top)

    def replace_many(self, changes: Sequence[Tuple[cst.CSTNode, cst.CSTNode]]) -> Optional[Edit]:
        """One edit for several node replacements inside the same top-level statement."""
        if not changes:
            return None
        top = self.top_statement(changes[0][0])
        if top is None or any(self.top_statement(o) is not top for o, _ in changes[1:]):
            return None
        mapping = {id(o): n for o, n in changes}

        class _Swap(cst.CSTTransformer):
            def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
                return mapping.get(id(original), updated)

        if id(top) in mapping:
            new_top = mapping[id(top)]
        else:
            new_top = top.visit(_Swap())
        return self._diff(top, new_top)

    def _diff(self, top: cst.CSTNode, new_top: cst.CSTNode) -> Optional[Edit]:
        old_text = self.module.code_for_node(top)
        new_text = self.module.code_for_node(new_top)
        if old_text == new_text:
            return None
        base = self._offset_of(top, old_text)
        if base is None:
            return None
        p = 0
        limit = min(len(old_text), len(new_text))
        while p < limit and old_text[p] == new_text[p]:
            p += 1
        s = 0
        while s < limit - p and old_text[-1 - s] == new_text[-1 - s]:
            s += 1
        # whole lines read better in a diff and in the JSON: widen to line starts when cheap
        while p > 0 and old_text[p - 1] != "\n":
            p -= 1
        while s > 0 and (old_text[len(old_text) - s - 1] != "\n" or new_text[len(new_text) - s - 1] != "\n"):
            s -= 1
        start = base + p
        end = base + len(old_text) - s
        content = new_text[p : len(new_text) - s]
        sl, sc = self.location(start)
        el, ec = self.location(end)
        return Edit(sl, sc, el, ec, content)

    # ------------------------------------------------------------------ render
    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)


def _leading_count(stmt: cst.CSTNode) -> int:
    return len(getattr(stmt, "leading_lines", ()) or ())


def dotted(node: Optional[cst.CSTNode]) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def names_in(node: cst.CSTNode) -> Iterator[cst.Name]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            yield current
        stack.extend(all_children(current))


def uses_name(node: cst.CSTNode, name: str) -> bool:
    """Whether `name` occurs as a variable (not as an attribute or keyword name) in `node`."""
    return any(True for _ in name_uses(node, name))


def name_uses(node: cst.CSTNode, name: str, _skip: Optional[set] = None) -> Iterator[cst.Name]:
    stack: List[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Attribute):
            stack.append(current.value)
            continue
        if isinstance(current, cst.Arg):
            stack.append(current.value)
            continue
        if isinstance(current, cst.Param):
            if current.default is not None:
                stack.append(current.default)
            if current.annotation is not None:
                stack.append(current.annotation)
            if current.name.value == name:
                yield current.name
            continue
        if isinstance(current, cst.Name):
            if current.value == name:
                yield current
            continue
        stack.extend(all_children(current))


def make_fix(message: str, applicability: Applicability, edits: Sequence[Optional[Edit]]) -> Optional[Fix]:
    real = [e for e in edits if e is not None]
    if len(real) != len(edits) or not real:
        return None
    real.sort(key=lambda e: (e.start_line, e.start_column))
    for a, b in zip(real, real[1:]):
        if (b.start_line, b.start_column) < (a.end_line, a.end_column):
            return None
    return Fix(message=message, applicability=applicability, edits=tuple(real))


def fresh_name(scope: cst.CSTNode, preferred: Sequence[str]) -> str:
    used = {n.value for n in names_in(scope)}
    for name in preferred:
        if name not in used:
            return name
    base = preferred[0]
    i = 2
    while f"{base}{i}" in used:
        i += 1
    return f"{base}{i}"


def compute_fixes(module: cst.Module, text: str, positions: Dict[cst.CSTNode, Range], reports: Sequence[Tuple[str, cst.CSTNode]]) -> List[Optional[Fix]]:
    """The fix for each (code, node) report, or None; one FixContext for the file."""
    _load()
    if not any(code in FIXERS for code, _ in reports):
        return [None] * len(reports)
    ctx = FixContext(module, text, positions)
    out: List[Optional[Fix]] = []
    for code, node in reports:
        fx = FIXERS.get(code)
        out.append(fx.function(node, ctx) if fx is not None else None)
    return out


__all__ = ["FIXERS", "Fixer", "FixContext", "fixer", "fixer_for", "fixable_codes", "compute_fixes", "make_fix", "dotted", "uses_name", "name_uses", "fresh_name"]
