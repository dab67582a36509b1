"""A faster batched traversal and a faster position pass, with libcst's exact semantics.

`libcst.visit_batched` walks a tree through `CSTNode.visit`, which rebuilds every node it passes
(`_visit_and_replace_children` constructs and validates a new node per node) and formats a
method name per node and per attribute to look handlers up. A read-only visitor needs none of
that. `Walker` calls the same handlers in the same order: for every node the `visit_<Type>`
handlers, then for every field in libcst's own visiting order `visit_<Type>_<field>`, the
children, `leave_<Type>_<field>`, then the `leave_<Type>` handlers; handlers of several
visitors run in the order the visitors were given. The field order is read once per node class
from the source of libcst's `_visit_and_replace_children` (so it follows the installed libcst);
a class whose method does not have the expected shape is walked by libcst itself.

Whitespace, comments, parentheses, commas and operator tokens ("trivia") are skipped entirely
when no handler is registered for any trivia class: nothing could observe them.

`positions` computes what `PositionProvider` computes (the same code ranges for every node) with
a code generator that tracks line and column cheaply instead of splitting every token with a
regular expression and building two objects per node.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
import typing
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState

Handler = Callable[[cst.CSTNode], Any]
# (field name, visited only when the value is not None)
FieldSpec = Tuple[Tuple[str, bool], ...]

_HELPERS = {
    "visit_required",
    "visit_optional",
    "visit_sentinel",
    "visit_sequence",
    "visit_iterable",
    "visit_body_sequence",
    "visit_body_iterable",
}

# Node classes whose whole subtree is whitespace / comments / punctuation.
_TRIVIA_BASES: Tuple[type, ...] = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Comment,
    cst.Newline,
    cst.Comma,
    cst.Dot,
    cst.Colon,
    cst.Semicolon,
    cst.AssignEqual,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
    cst.BaseAugOp,
    cst.Asynchronous,
    cst.ImportStar,
)


def _all_node_classes() -> List[type]:
    out = []
    stack = [cst.CSTNode]
    seen = set()
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                out.append(sub)
                stack.append(sub)
    return out


TRIVIA: frozenset = frozenset(c for c in _all_node_classes() if issubclass(c, _TRIVIA_BASES))
_TRIVIA_NAMES = frozenset(c.__name__ for c in TRIVIA)

_fields_cache: Dict[type, Optional[FieldSpec]] = {}
_no_children = cst.CSTNode._visit_and_replace_children  # abstract; leaves override it to return self


def fields_of(cls: type) -> Optional[FieldSpec]:
    """The fields libcst visits for `cls`, in order; None when the shape is not understood."""
    try:
        return _fields_cache[cls]
    except KeyError:
        pass
    try:
        spec = _extract_fields(cls)
    except Exception:  # no source, unexpected syntax: let libcst walk this class
        spec = None
    _fields_cache[cls] = spec
    return spec


def _extract_fields(cls: type) -> Optional[FieldSpec]:
    fn = cls._visit_and_replace_children
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    func = tree.body[0]
    if not isinstance(func, ast.FunctionDef):
        return None
    # locals bound straight from a field: `names = self.names`
    aliases: Dict[str, str] = {}
    built: Dict[str, ast.Call] = {}
    for stmt in func.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Attribute)
            and isinstance(stmt.value.value, ast.Name)
            and stmt.value.value.id == "self"
        ):
            aliases[stmt.targets[0].id] = stmt.value.attr
        elif (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
            and stmt is func.body[-2]
        ):
            built[stmt.targets[0].id] = stmt.value  # `ret = Node(...)` then `return ret`
        elif isinstance(stmt, ast.Return):
            continue
        else:
            return None
    if not isinstance(func.body[-1], ast.Return):
        return None
    order: List[Tuple[str, bool]] = []
    seen: Dict[str, int] = {}
    ok = True

    def add(call: ast.Call, conditional: bool) -> None:
        nonlocal ok
        if len(call.args) < 3 or not (isinstance(call.args[0], ast.Name) and call.args[0].id == "self"):
            ok = False
            return
        name_arg, value_arg = call.args[1], call.args[2]
        if not (isinstance(name_arg, ast.Constant) and isinstance(name_arg.value, str)):
            ok = False
            return
        name = name_arg.value
        if isinstance(value_arg, ast.Attribute) and isinstance(value_arg.value, ast.Name) and value_arg.value.id == "self":
            source_field = value_arg.attr
        elif isinstance(value_arg, ast.Name) and value_arg.id in aliases:
            source_field = aliases[value_arg.id]
        else:
            ok = False
            return
        if source_field != name:
            ok = False
            return
        if name in seen:
            # the same field in both branches of a conditional: always visited
            order[seen[name]] = (name, order[seen[name]][1] and conditional)
            return
        seen[name] = len(order)
        order.append((name, conditional))

    def calls_in(node: ast.AST) -> List[ast.Call]:
        found: List[ast.Call] = []

        class V(ast.NodeVisitor):
            def visit_Call(self, call: ast.Call) -> None:
                self.generic_visit(call)  # arguments are evaluated first
                f = call.func
                fname = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if fname in _HELPERS:
                    found.append(call)
                elif fname.startswith("visit") or (isinstance(f, ast.Attribute) and f.attr == "visit"):
                    nonlocal_fail()

        V().visit(node)
        return found

    def nonlocal_fail() -> None:
        nonlocal ok
        ok = False

    def walk(node: ast.AST, conditional: bool) -> None:
        if isinstance(node, ast.IfExp):
            body_calls = calls_in(node.body)
            else_calls = calls_in(node.orelse)
            if calls_in(node.test):
                nonlocal_fail()
            body_fields = [c.args[1].value for c in body_calls if isinstance(c.args[1], ast.Constant)]
            else_fields = [c.args[1].value for c in else_calls if isinstance(c.args[1], ast.Constant)]
            if body_fields and else_fields:
                if body_fields != else_fields:
                    nonlocal_fail()
                for c in body_calls:
                    add(c, conditional)
                return
            # visited in one branch only: `x if x is not None else None` style
            test = node.test
            guarded = (
                isinstance(test, ast.Compare)
                and len(test.ops) == 1
                and isinstance(test.ops[0], (ast.IsNot, ast.Is))
                and isinstance(test.comparators[0], ast.Constant)
                and test.comparators[0].value is None
            )
            if not guarded:
                nonlocal_fail()
                return
            for c in body_calls or else_calls:
                add(c, True)
            return
        if isinstance(node, ast.Call):
            for child in ast.iter_child_nodes(node):
                walk(child, conditional)
            f = node.func
            fname = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            if fname in _HELPERS:
                add(node, conditional)
            elif fname.startswith("visit"):
                nonlocal_fail()
            return
        for child in ast.iter_child_nodes(node):
            walk(child, conditional)

    ret = func.body[-1]
    assert isinstance(ret, ast.Return)
    if isinstance(ret.value, ast.Name) and ret.value.id == "self":
        return ()
    if ret.value is None:
        return None
    value: ast.AST = ret.value
    if isinstance(value, ast.Name):
        if value.id not in built:
            return None
        value = built[value.id]
    walk(value, False)
    if not ok:
        return None
    return tuple(order)


# ------------------------------------------------------------------------------ handlers
_handler_names: Dict[type, Tuple[str, ...]] = {}


def handler_names(cls: type) -> Tuple[str, ...]:
    names = _handler_names.get(cls)
    if names is None:
        found = []
        for name in dir(cls):
            if not (name.startswith("visit_") or name.startswith("leave_")):
                continue
            attr = getattr(cls, name, None)
            if attr is None or getattr(attr, "_is_no_op", False):
                continue
            found.append(name)
        names = _handler_names[cls] = tuple(sorted(found))
    return names


def visitor_methods(visitors: Iterable[cst.BatchableCSTVisitor]) -> Dict[str, List[Handler]]:
    """What `libcst._batched_visitor._get_visitor_methods` returns, without `inspect.getmembers`
    on every instance (the handler names of a class are looked up once per process)."""
    methods: Dict[str, List[Handler]] = {}
    for v in visitors:
        names = set(handler_names(type(v)))
        own = getattr(v, "__dict__", None)
        if own:
            names.update(n for n in own if n.startswith("visit_") or n.startswith("leave_"))
        for name in sorted(names):
            fn = getattr(v, name, None)
            # libcst keys handlers by attribute name but keeps only methods whose own
            # __name__ says visit_ / leave_ too (inspect.getmembers with its predicate)
            if (
                inspect.ismethod(fn)
                and fn.__name__.startswith(("visit_", "leave_"))
                and not getattr(fn, "_is_no_op", False)
            ):
                methods.setdefault(name, []).append(fn)
    return methods


class _Fallback(cst.CSTVisitor):
    """Walks a node class whose field order we could not read, with libcst's own machinery,
    and hands subtrees we can walk back to the fast walker."""

    def __init__(self, walker: "Walker") -> None:
        super().__init__()
        self.walker = walker
        self.handed_back: List[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.walker.plan(type(node)) is not None:
            self.walker.visit(node)
            self.handed_back.append(node)
            return False
        for fn in self.walker.methods.get(f"visit_{type(node).__name__}", ()):
            fn(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if self.handed_back and self.handed_back[-1] is original_node:
            self.handed_back.pop()
            return
        for fn in self.walker.methods.get(f"leave_{type(original_node).__name__}", ()):
            fn(original_node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        for fn in self.walker.methods.get(f"visit_{type(node).__name__}_{attribute}", ()):
            fn(node)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        for fn in self.walker.methods.get(f"leave_{type(original_node).__name__}_{attribute}", ()):
            fn(original_node)


_EMPTY: Tuple[Handler, ...] = ()
_names_cache: Dict[type, Any] = {}


def _plan_names(cls: type) -> Any:
    """Handler names for `cls` and its fields (formatted once per class and process)."""
    try:
        return _names_cache[cls]
    except KeyError:
        pass
    spec = fields_of(cls)
    n = cls.__name__
    names = None if spec is None else (
        f"visit_{n}",
        f"leave_{n}",
        tuple((f, cond, f"visit_{n}_{f}", f"leave_{n}_{f}") for f, cond in spec),
    )
    _names_cache[cls] = names
    return names


class Walker:
    """One batched read-only traversal, handler for handler what `libcst.visit_batched` does."""

    def __init__(self, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
        self.methods = visitor_methods(visitors)
        handled_types = {name.split("_", 2)[1] for name in self.methods}
        self.skip: frozenset = frozenset() if handled_types & _TRIVIA_NAMES else TRIVIA
        self._plans: Dict[type, Any] = {}

    def plan(self, cls: type) -> Any:
        """(visit handlers, leave handlers, ((field, conditional, visit-attr, leave-attr), ...),
        plain field names) or None when libcst must walk this class. When no field of the
        class has a field handler, the field tuple is None and the plain names (without the
        fields that can only hold trivia, when trivia is pruned) are walked directly."""
        try:
            return self._plans[cls]
        except KeyError:
            pass
        names = _plan_names(cls)
        if names is None:
            plan = None
        else:
            m = self.methods
            visit_name, leave_name, fields = names
            with_handlers = tuple(
                (f, cond, tuple(m.get(va, _EMPTY)), tuple(m.get(la, _EMPTY))) for f, cond, va, la in fields
            )
            if self.skip:
                trivia_only = _trivia_fields(cls)
                with_handlers = tuple(x for x in with_handlers if x[2] or x[3] or x[0] not in trivia_only)
            plain: Optional[Tuple[str, ...]] = None
            if not any(va or la for _, _, va, la in with_handlers):
                plain = tuple(f for f, _, _, _ in with_handlers)
            plan = (
                tuple(m.get(visit_name, _EMPTY)),
                tuple(m.get(leave_name, _EMPTY)),
                None if plain is not None else with_handlers,
                plain,
            )
        self._plans[cls] = plan
        return plan

    def visit(self, root: cst.CSTNode) -> None:
        plans = self._plans
        plan_for = self.plan
        skip = self.skip
        is_node = _IS_NODE

        def walk(node: cst.CSTNode) -> None:
            cls = type(node)
            try:
                plan = plans[cls]
            except KeyError:
                plan = plan_for(cls)
            if plan is None:
                node.visit(_Fallback(self))
                return
            visit_fns, leave_fns, fields, plain = plan
            for fn in visit_fns:
                fn(node)
            if plain is not None:
                for name in plain:
                    value = getattr(node, name)
                    if type(value) is tuple or type(value) is list:
                        for child in value:
                            if type(child) not in skip:
                                walk(child)
                    elif value is not None and type(value) not in skip and (is_node.get(type(value)) or _is_node(value)):
                        walk(value)
            else:
                for name, conditional, visit_attr, leave_attr in fields:
                    value = getattr(node, name)
                    if conditional and value is None:
                        continue
                    for fn in visit_attr:
                        fn(node)
                    if type(value) is tuple or type(value) is list:
                        for child in value:
                            if type(child) not in skip:
                                walk(child)
                    elif (is_node.get(type(value)) or _is_node(value)) and type(value) not in skip:
                        walk(value)
                    for fn in leave_attr:
                        fn(node)
            for fn in leave_fns:
                fn(node)

        walk(root)


_trivia_fields_cache: Dict[type, frozenset] = {}


def _trivia_fields(cls: type) -> frozenset:
    """Fields of `cls` whose declared type admits trivia only (whitespace, parentheses,
    commas, operators, `MaybeSentinel`, None): `Name.lpar`, `Call.whitespace_before_args`.
    Pruning trivia, the walker need not even read them."""
    try:
        return _trivia_fields_cache[cls]
    except KeyError:
        pass
    out = set()
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # unresolvable annotations: read every field
        hints = {}
    for name, _ in fields_of(cls) or ():
        hint = hints.get(name)
        if hint is not None and all(_is_trivia_type(t) for t in _leaf_types(hint)):
            out.add(name)
    result = _trivia_fields_cache[cls] = frozenset(out)
    return result


def _leaf_types(hint: Any) -> List[Any]:
    args = typing.get_args(hint)
    if typing.get_origin(hint) is None or not args:
        return [hint]
    return [leaf for arg in args for leaf in _leaf_types(arg)]


def _is_trivia_type(t: Any) -> bool:
    return t is type(None) or t is cst.MaybeSentinel or (isinstance(t, type) and issubclass(t, _TRIVIA_BASES))


# class -> whether it is a CSTNode: `isinstance(x, cst.CSTNode)` goes through ABCMeta's
# __instancecheck__, a Python-level call per field of every node walked
_IS_NODE: Dict[type, bool] = {}


def _is_node(value: Any) -> bool:
    kind = type(value)
    try:
        return _IS_NODE[kind]
    except KeyError:
        result = _IS_NODE[kind] = isinstance(value, cst.CSTNode)
        return result


def all_children(node: cst.CSTNode) -> List[cst.CSTNode]:
    """`node.children` (trivia included), in the same order, read straight from the fields
    instead of by running a visitor over the node."""
    cls = type(node)
    try:
        spec = _fields_cache[cls]
    except KeyError:
        spec = fields_of(cls)
    if spec is None:
        return list(node.children)
    out: List[cst.CSTNode] = []
    for name, _conditional in spec:
        value = getattr(node, name)
        if type(value) is tuple or type(value) is list:
            out.extend(value)
        elif _IS_NODE.get(type(value)) or _is_node(value):
            out.append(value)
    return out


def children(node: cst.CSTNode) -> List[cst.CSTNode]:
    """`node.children` without the trivia (whitespace, comments, parentheses, commas, operator
    tokens), in the same order, read straight from the fields. `CSTNode.children` runs a whole
    visitor over the node to collect them, which made the small subtree walks of the rules
    (`names_in` and friends) cost more than the batched traversal itself."""
    cls = type(node)
    try:
        spec = _fields_cache[cls]
    except KeyError:
        spec = fields_of(cls)
    if spec is None:
        return [c for c in node.children if type(c) not in TRIVIA]
    out: List[cst.CSTNode] = []
    for name, _conditional in spec:
        value = getattr(node, name)
        if type(value) is tuple or type(value) is list:
            out.extend(c for c in value if type(c) not in TRIVIA)
        elif (_IS_NODE.get(type(value)) or _is_node(value)) and type(value) not in TRIVIA:
            out.append(value)
    return out


def visit_batched(module: cst.CSTNode, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
    Walker(visitors).visit(module)


# ------------------------------------------------------------------------------ positions
Range = Tuple[int, int, int, int]  # start line, start column (0-based), end line, end column
_NEWLINE = re.compile(r"\r\n?|\n")


class _PositionState(CodegenState):
    """CodegenState that records `PositionProvider`'s ranges as tuples."""

    def __init__(self, default_indent: str, default_newline: str) -> None:
        super().__init__(default_indent=default_indent, default_newline=default_newline)
        self.line = 1
        self.column = 0
        self.computed: Dict[cst.CSTNode, Range] = {}
        self.stack: List[Tuple[int, int]] = []

    def _advance(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self._advance(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.stack.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        line, column = self.stack.pop()
        if node not in self.computed:
            self.computed[node] = (line, column, self.line, self.column)

    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> "_Syntactic":
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: _PositionState, node: cst.CSTNode, start_node: Any, end_node: Any) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node

    def __enter__(self) -> None:
        self.start = (self.state.line, self.state.column)

    def __exit__(self, *exc: Any) -> None:
        state = self.state
        computed = state.computed
        if self.start_node is not None:
            r = computed[self.start_node]
            start = (r[0], r[1])
        else:
            start = self.start
        if self.end_node is not None:
            r = computed[self.end_node]
            end = (r[2], r[3])
        else:
            end = (state.line, state.column)
        computed[self.node] = (start[0], start[1], end[0], end[1])


class _Enough(Exception):
    """Raised by `_PartialPositionState` once every wanted node has its range."""


class _PartialPositionState(_PositionState):
    """`_PositionState` that stops the codegen at the end of the module-level statement in
    which the last wanted node closed: everything up to there has its range (the wanted nodes,
    the definitions around them, the statements before them), nothing after it does."""

    def __init__(self, module: cst.Module, wanted: Iterable[cst.CSTNode]) -> None:
        super().__init__(module.default_indent, module.default_newline)
        self.remaining = set(wanted)
        self.toplevel = set(module.body)
        self.enough = not self.remaining

    def after_codegen(self, node: cst.CSTNode) -> None:
        line, column = self.stack.pop()
        computed = self.computed
        if node not in computed:
            computed[node] = (line, column, self.line, self.column)
        if self.enough:
            if node in self.toplevel:
                raise _Enough
        elif node in self.remaining:
            self.remaining.discard(node)
            if not self.remaining:
                self.enough = True
                if node in self.toplevel:
                    raise _Enough


def positions(module: cst.Module, wanted: Optional[Iterable[cst.CSTNode]] = None) -> Dict[cst.CSTNode, Range]:
    """node -> (start line, start column, end line, end column), as PositionProvider has them
    (lines 1-based, columns 0-based).

    With `wanted`, the codegen stops at the end of the module-level statement in which the last
    of those nodes ends: the ranges of every node up to there are exact (they do not depend on
    what follows), and the nodes after it have none. The engine asks only for the nodes it
    reported (findings sit on average half-way down a file, so this halves the one codegen a
    file with findings pays); a node that is not part of the module makes it run to the end."""
    if wanted is None:
        state = _PositionState(module.default_indent, module.default_newline)
        module._codegen(state)
        return state.computed
    partial = _PartialPositionState(module, wanted)
    try:
        module._codegen(partial)
    except _Enough:
        pass
    return partial.computed


__all__ = ["Walker", "visit_batched", "visitor_methods", "fields_of", "positions", "TRIVIA"]
