"""The engine's own traversal and position pass must be indistinguishable from libcst's."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from case_files import all_cases
from leaklint import traverse
from leaklint.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent

TRICKY = [
    "x = f'{a!r:>{width}} {b=} {c:{d}.{e}}' f\"{'nested'}\"\n",
    "from . import (a as b, c)\nfrom .m import *\nimport a.b.c as d, e\n",
    "match p:\n    case [1, *rest] if rest: pass\n    case {'k': v, **kw}: pass\n    case Point(x=0) | None as q: pass\n",
    "@d1\n@d2(x)\nasync def f(a, /, b=1, *c, d: int = 2, **e) -> 'T':\n    async with x as (y, z): await w\n    async for i in j: yield i\n",
    "class C(B, metaclass=M):\n    x: int = 1\n    def m(self): return lambda q, *r: (q, r)\n",
    "def g[T: int, *Ts, **P](x: T) -> T: ...\ntype Alias[T] = list[T]\n",
    "try:\n    pass\nexcept* (A, B) as e:\n    raise\nelse:\n    pass\nfinally:\n    del a[1:2, ::3], b.c\n",
    "while (n := n - 1) > 0 and not done or x if y else z:\n    global g; nonlocal_ = [i for i in range(3) if i for j in k]\n",
    "a = {1: 2, **b}; c = {*d, e}; f = (g for h in i); assert j, 'k'\nl += m @ n ** -o // p\n",
    "print(*args, sep='', **kw)  # comment\n\n\n# trailing\n",
    "",
    "\n\n",
    "if a:\n  pass\nelif b:\n\tpass\nelse: pass\r\n",
    "with (open(a) as b, open(c) as d):\n    pass\n",
]


def sources() -> List[Tuple[str, str]]:
    out = [(f"tricky-{i}", s) for i, s in enumerate(TRICKY)]
    for path in sorted((ROOT / "fixtures").rglob("*.py")):
        out.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    for path in sorted((ROOT / "leaklint").glob("[ce]*.py")):  # cli, config, context, engine
        out.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    for rule in all_rules():
        for i, case in enumerate(all_cases(rule)):
            out.append((f"{rule.code}-{i}", case.code))
    return out


def recorder(only_non_trivia: bool) -> cst.BatchableCSTVisitor:
    """A visitor with a handler for every node class (and every field of it) that logs calls."""
    log: List[Tuple[str, int]] = []
    namespace = {}
    for cls in traverse._all_node_classes():
        name = cls.__name__
        if name.startswith("_") or (only_non_trivia and cls in traverse.TRIVIA):
            continue
        spec = traverse.fields_of(cls) or ()
        for hook in [f"visit_{name}", f"leave_{name}"] + [f"{k}_{name}_{f}" for f, _ in spec for k in ("visit", "leave")]:
            def handler(self: object, node: cst.CSTNode, hook: str = hook) -> None:
                log.append((hook, id(node)))

            handler.__name__ = hook
            namespace[hook] = handler
    visitor = type("Recorder", (cst.BatchableCSTVisitor,), namespace)()
    visitor.log = log  # type: ignore[attr-defined]
    return visitor


@pytest.mark.parametrize("only_non_trivia", [False, True], ids=["every-node", "no-trivia-handlers"])
def test_walker_calls_what_libcst_calls(only_non_trivia: bool) -> None:
    for name, source in sources():
        module = cst.parse_module(source)
        expected, actual = recorder(only_non_trivia), recorder(only_non_trivia)
        cst.visit_batched(module, [expected])
        traverse.Walker([actual]).visit(module)
        assert actual.log == expected.log, name  # type: ignore[attr-defined]
        if only_non_trivia:
            assert expected.log, name  # type: ignore[attr-defined]


def test_handlers_of_several_visitors_run_in_visitor_order() -> None:
    log: List[str] = []

    class A(cst.BatchableCSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            log.append("A" + node.value)

    class B(cst.BatchableCSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            log.append("B" + node.value)

        def leave_Module(self, node: cst.Module) -> None:
            log.append("end")

    traverse.Walker([A(), B()]).visit(cst.parse_module("x = y\n"))
    assert log == ["Ax", "Bx", "Ay", "By", "end"]


def test_every_concrete_node_class_has_a_field_order() -> None:
    missing = [
        c.__name__
        for c in traverse._all_node_classes()
        if traverse.fields_of(c) is None and not c.__name__.lstrip("_").startswith("Base")
        and c.__name__ not in ("MatchPattern", "MatchSequence")  # abstract
    ]
    assert missing == []


def test_positions_equal_position_provider() -> None:
    for name, source in sources():
        module = cst.parse_module(source)
        ours = traverse.positions(module)
        theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        assert set(ours) == set(theirs), name
        for node, r in theirs.items():
            assert ours[node] == (r.start.line, r.start.column, r.end.line, r.end.column), (name, node)


def test_positions_of_wanted_nodes_stop_after_their_statement_and_equal_the_full_map() -> None:
    for name, source in sources()[::3]:
        module = cst.parse_module(source)
        full = traverse.positions(module)
        nodes = list(full)
        if len(module.body) < 3:
            continue
        # a node inside the second module-level statement: the map stops after that statement
        second = module.body[1]
        inner = [n for n in nodes if full[n][0] >= full[second][0] and full[n][2] <= full[second][2] and n is not second]
        wanted = inner[len(inner) // 2] if inner else second
        part = traverse.positions(module, [wanted])
        assert part[wanted] == full[wanted], name
        assert second in part and module.body[0] in part, name
        assert all(n not in part for n in module.body[2:]), name
        for node, r in part.items():
            assert full[node] == r, (name, node)
        # several wanted nodes, the last one in the last statement: every statement's nodes
        # (not the module's own range and the trivia after its last statement)
        last = module.body[-1]
        upto = traverse.positions(module, [wanted, last])
        missing = [n for n in full if n not in upto]
        assert all(n is module or full[n][:2] >= full[last][2:] for n in missing), name
        assert all(full[n] == r for n, r in upto.items()), name
        # a node that is not part of the module: the whole map, nothing raised
        assert traverse.positions(module, [cst.Name("elsewhere")]) == full, name


def test_classes_libcst_must_walk_still_get_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """A node class whose field order cannot be read is walked by libcst itself, and the
    subtrees below it go back to the fast walker; the calls are the same either way."""
    real = traverse.fields_of
    monkeypatch.setattr(traverse, "_names_cache", {})
    monkeypatch.setattr(traverse, "fields_of", lambda cls: None if cls in (cst.Call, cst.FunctionDef) else real(cls))
    for name, source in sources()[:40]:
        module = cst.parse_module(source)
        expected, actual = recorder(True), recorder(True)
        cst.visit_batched(module, [expected])
        traverse.Walker([actual]).visit(module)
        assert actual.log == expected.log, name  # type: ignore[attr-defined]


def test_trivia_handlers_turn_pruning_off() -> None:
    seen: List[str] = []

    class Comments(cst.BatchableCSTVisitor):
        def visit_Comment(self, node: cst.Comment) -> None:
            seen.append(node.value)

    traverse.Walker([Comments()]).visit(cst.parse_module("x = (1,  # one\n     2)  # two\n"))
    assert seen == ["# one", "# two"]


def test_children_are_libcst_children_without_trivia() -> None:
    for name, source in sources():
        stack: List[cst.CSTNode] = [cst.parse_module(source)]
        while stack:
            node = stack.pop()
            expected = [c for c in node.children if type(c) not in traverse.TRIVIA]
            got = traverse.children(node)
            assert len(got) == len(expected) and all(a is b for a, b in zip(got, expected)), (name, type(node).__name__)
            stack.extend(node.children)


def test_all_children_are_libcst_children() -> None:
    for name, source in sources():
        stack: List[cst.CSTNode] = [cst.parse_module(source)]
        while stack:
            node = stack.pop()
            expected = node.children
            got = traverse.all_children(node)
            assert len(got) == len(expected) and all(a is b for a, b in zip(got, expected)), (name, type(node).__name__)
            stack.extend(expected)


def test_unvalidated_parse_builds_the_same_tree() -> None:
    from leaklint import engine

    for name, source in sources():
        ours = engine._parse_module(source)
        theirs = cst.parse_module(source)
        assert ours.deep_equals(theirs) and ours.code == source, name
    # validation is back on for everyone else
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")
