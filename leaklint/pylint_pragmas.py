"""pylint's message-control pragmas, scoped as pylint scopes them, for the rules that honour a
peer's suppression of the same check (`Rule.peer_codes`: `consider-using-with` / `R1732`, ...).

pylint applies `# pylint: disable=X` / `enable=X` from the comment's line to the end of the
innermost syntax node that holds that line, walking the tree depth first (children before their
parent) and giving the line to the first node that contains it. So:

- a comment after code (`x = open(p)  # pylint: disable=X`) lands on an expression of that line
  and covers that line only; on a header whose line carries no expression (`class C:`, `try:`,
  `else:`, a bare `except:`) it covers that block; on `def f(...):`, `if x:`, `for ...:`,
  `with ...:` the signature or test expression takes it, so it covers the header line only;
- a comment on a line of its own covers from there to the end of the enclosing block: the
  function or class (and the `def` / `class` line too when the comment comes before the first
  statement), the branch of an `if` / `try`, the loop body, the `with` body, or the module;
- a later pragma overrides an earlier one on the lines it covers (`enable=` in an `if` branch
  re-enables that branch only);
- `# pylint: disable-next=X` covers the next line only;
- a pragma after a backslash continuation counts for the line before, as in pylint.

Line numbers of the tree come from the standard library's `ast`; pylint's astroid numbers
decorated definitions from their `def` / `class` line and keeps a docstring out of the body,
and so does this module. Only files whose findings have peer codes and whose text says "pylint"
get here.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

_PRAGMA = re.compile(r"\bpylint:\s*(?P<body>[^#;\n]*)", re.IGNORECASE)
_ACTION = re.compile(
    r"\b(?P<action>disable-next|disable|enable)(?:-msg)?\s*=\s*(?P<codes>[\w\-]+(?:\s*,\s*[\w\-]+)*)",
    re.IGNORECASE,
)

Pragma = Tuple[int, str, FrozenSet[str]]  # (line the pragma applies at, action, codes upper-cased)


def pragmas(source: str) -> List[Pragma]:
    """The pylint pragmas of `source`, in source order: (line, "disable" | "enable" |
    "disable-next", codes). A pragma in a comment that follows a backslash continuation counts
    for the line before it, as pylint counts it."""
    out: List[Pragma] = []
    if "pylint" not in source.lower():
        return out
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return out
    line_of_previous = None
    newline_on_previous = True  # did the previous physical line with tokens end in NL/NEWLINE
    newline_on_this = True
    for tok in tokens:
        row = tok.start[0]
        if line_of_previous is not None and row != line_of_previous:
            newline_on_previous, newline_on_this = newline_on_this, False
        line_of_previous = row
        if tok.type in (tokenize.NL, tokenize.NEWLINE):
            newline_on_this = True
        if tok.type != tokenize.COMMENT:
            continue
        pragma = _PRAGMA.search(tok.string)
        if pragma is None:
            continue
        at = row if newline_on_previous else row - 1
        for action in _ACTION.finditer(pragma.group("body")):
            codes = frozenset(c.strip().upper() for c in action.group("codes").split(",") if c.strip())
            out.append((at, action.group("action").lower(), codes))
    return out


class _Span:
    """A node of the line tree: an `ast` node, or a stand-in for a part pylint's tree numbers
    and the standard library's does not (a function's signature, a `case` clause)."""

    __slots__ = ("node", "first", "last", "outer")

    def __init__(self, node: object, first: int, last: int, outer: Optional[int] = None) -> None:
        self.node = node
        self.first = first
        self.last = last
        self.outer = first if outer is None else outer  # a decorated definition: its first decorator

    def holds(self, line: int) -> bool:
        """Whether the walk looks into this node for `line` (a definition's decorators are
        inside it, though its own lines start at `def` / `class`)."""
        return self.outer <= line <= self.last


class _Signature:
    pass


_SCOPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_ELSE_BLOCKS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())


def _body(node: object) -> List[ast.stmt]:
    """The statements of a block, the docstring of a module, class or function left out."""
    body = list(getattr(node, "body", None) or [])
    if (
        isinstance(node, _SCOPES)
        and body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]
    return body


def _span(node: ast.AST) -> Optional[_Span]:
    first = getattr(node, "lineno", None)
    if first is None:
        return None
    decorators = getattr(node, "decorator_list", None)
    outer = min([first, *(d.lineno for d in decorators)]) if decorators else first
    return _Span(node, first, getattr(node, "end_lineno", None) or first, outer)


def _children(span: _Span) -> List[_Span]:
    node = span.node
    if isinstance(node, _Signature) or not isinstance(node, ast.AST):
        return []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parts: List[ast.AST] = [*node.decorator_list]
        signature_end = node.lineno
        for sub in ast.walk(node.args):
            signature_end = max(signature_end, getattr(sub, "end_lineno", None) or signature_end)
        if node.returns is not None:
            signature_end = max(signature_end, node.returns.end_lineno or signature_end)
        out = [s for s in map(_span, parts) if s]
        out.append(_Span(_Signature(), node.lineno, signature_end))
        return out + [s for s in map(_span, node.body) if s]
    out = []
    for child in ast.iter_child_nodes(node):
        own = _span(child)
        if own is not None:
            out.append(own)
        elif isinstance(child, getattr(ast, "match_case", ())):
            first = child.pattern.lineno
            out.append(_Span(child, first, child.body[-1].end_lineno or first))
        else:  # withitem, comprehension, arguments of a lambda: their parts stand for them
            out.extend(_children(_Span(child, 0, 0)))
    return out


def _holder(tree: ast.Module, line: int) -> _Span:
    """The node that takes a pragma on `line`: depth first, children in order, the first node
    whose lines contain it; a node on one line is not looked into."""
    current = _Span(tree, 0, tree.body[-1].end_lineno if tree.body else 0)
    while current.outer != current.last or isinstance(current.node, ast.Module):
        inner = next((c for c in _children(current) if c.holds(line)), None)
        if inner is None:
            break
        current = inner
    return current


def _else_range(node: ast.AST, line: int, last_line: int, orelse: Sequence[ast.stmt], fallback: Optional[int]) -> Tuple[int, int]:
    if line == last_line:
        return line, line
    body = node.body  # type: ignore[attr-defined]
    if orelse:
        if line >= body[-1].end_lineno + 1:
            head = orelse[0]
            if isinstance(head, _ELSE_BLOCKS):
                return _else_range(head, line, head.end_lineno, head.orelse, None)
            return line, orelse[-1].end_lineno
        return line, body[-1].end_lineno
    return line, fallback or last_line


def _range(span: _Span, line: int) -> Tuple[int, int]:
    """The lines a pragma on `line` taken by `span` reaches."""
    node = span.node
    if isinstance(node, _SCOPES):
        return span.first, span.last
    if isinstance(node, _ELSE_BLOCKS):
        if isinstance(node, ast.Try) or node.__class__.__name__ == "TryStar":
            for handler in node.handlers:
                if handler.type is not None and line == handler.type.lineno:
                    return line, handler.end_lineno
                if handler.body[0].lineno <= line <= handler.body[-1].end_lineno:
                    return line, handler.body[-1].end_lineno
            final = node.finalbody
            if final:
                if final[0].lineno - 1 == line:
                    return line, final[0].end_lineno
                if final[0].lineno <= line <= final[-1].end_lineno:
                    return line, final[-1].end_lineno
        body = node.body
        if line < span.first:
            return line, span.last
        if line == body[0].lineno:
            return line, line
        if line <= body[-1].end_lineno:
            return line, body[-1].end_lineno
        return _else_range(node, line, span.last, node.orelse, body[0].lineno - 1)
    return line, span.last


def _first_statement(span: _Span) -> int:
    """pylint tells a pragma that opens a module, class or function (it covers the header too)
    from a later one by the first statement's line (a definition: its `def` / `class` line)."""
    if isinstance(span.node, _SCOPES):
        body = _body(span.node)
        if body:
            return body[0].lineno
    return span.last


class Scopes:
    """Which lines pylint's pragmas in one file switch off, per set of equivalent codes."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pragmas = pragmas(source)
        self._tree: Optional[ast.Module] = None
        self._parsed = False
        self._cache: Dict[FrozenSet[str], Dict[int, bool]] = {}

    def _parse(self) -> Optional[ast.Module]:
        if not self._parsed:
            self._parsed = True
            try:
                self._tree = ast.parse(self.source)
            except (SyntaxError, ValueError):
                self._tree = None
        return self._tree

    def disabled(self, line: int, codes: Iterable[str]) -> bool:
        """Whether pylint would not report a message known by any of `codes` (its id and its
        name: one message) on `line`."""
        names = frozenset(c.upper() for c in codes)
        if not names or not self.pragmas:
            return False
        state = self._cache.get(names)
        if state is None:
            state = self._cache[names] = self._states(names)
        return state.get(line, False)

    def _states(self, names: FrozenSet[str]) -> Dict[int, bool]:
        """line -> disabled, replaying the pragmas that name the message in source order."""
        state: Dict[int, bool] = {}
        relevant = [(line, action) for line, action, codes in self.pragmas if codes & names]
        if not relevant:
            return state
        tree = self._parse()
        for line, action in relevant:
            if action == "disable-next":
                state[line + 1] = True
                continue
            value = action == "disable"
            if tree is None:
                state[line] = value
                continue
            span = _holder(tree, line)
            first, last = _range(span, line)
            module = isinstance(span.node, ast.Module)
            before = value
            if isinstance(span.node, _SCOPES) and line > _first_statement(span):
                before = False  # lines of the block above the pragma are left enabled
            if first == span.first and first >= _first_statement(span) and span.first in state:
                first = line
            for n in range(first, last + 1):
                if n < line and n in state and (span.first <= n if module else span.first < n):
                    continue  # what an earlier pragma set above this one stays
                state[n] = value if n >= line else before
        return state
