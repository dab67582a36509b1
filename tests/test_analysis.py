"""The analysis layer: bindings with their values, the one `resolve`, the expression helpers,
declared facts (collected once per file, whatever the rules selected) and the policy module."""

import textwrap
from typing import Dict, List, Optional, Tuple

import libcst as cst
import pytest

from leaklint.analysis.containers import ContainerUses, local_alias
from leaklint.analysis.expr import base_and_first_attribute, is_closed_key, paired_value, reads_existing_value, root_name
from leaklint.analysis.import_time import ImportTime
from leaklint.analysis.facts import Fact, required_facts
from leaklint.analysis.scopes import Binding, Scope, resolve, resolves_to_module
from leaklint.analysis.values import derived_names, from_input, identity_locals, loop_targets
from leaklint.engine import lint_source
from leaklint.policy import ONE_TIME_FUNCTION, in_test_code, is_entry_point, once_per_process
from leaklint.rule import Rule
from leaklint.types import Invalid, Valid

DOC = """
    ## What it does
    Test probe.

    ## Why is this bad?
    It is not; it exists for tests.

    ## Known problems
    None.

    ## Fix safety
    None.

    ## References
    None.
    """


class ResolveProbe(Rule):
    __doc__ = DOC
    code = "LL991"
    name = "resolve-probe"
    message = "{text}"
    VALID = [Valid("x = 1")]
    INVALID = [Invalid("probe(x)  # LL991")]

    def visit_Call(self, node: cst.Call) -> None:
        # `probe(name)`: report what `name` resolves to here
        if isinstance(node.func, cst.Name) and node.func.value == "probe" and node.args:
            arg = node.args[0].value
            assert isinstance(arg, cst.Name)
            found = resolve(arg.value, self.context.scope)
            if found is None:
                text = "unbound"
            else:
                value = cst.Module(body=[]).code_for_node(found.value) if found.value is not None else "-"
                text = f"{found.kind} in {found.scope.kind} {found.scope.name or '<module>'} = {value}"
            self.report(node, text=text)


def probe(source: str) -> List[str]:
    findings = lint_source(textwrap.dedent(source), "m.py", rules=[ResolveProbe])
    return [f.message for f in findings if f.code == "LL991"]


def test_bindings_carry_their_values() -> None:
    assert probe(
        """
        import os as o
        def f(p=3):
            x = [1]
            y: int = 2
            with open(p) as fh:
                probe(fh)
            probe(x); probe(y); probe(p); probe(o)
        """
    ) == [
        "with in function f = open(p)",
        "assign in function f = [1]",
        "annassign in function f = 2",
        "param in function f = 3",
        "import in module <module> = -",
    ]


def test_unpacked_and_loop_bindings_have_no_value() -> None:
    assert probe(
        """
        def f(items):
            a, b = items
            for c in items:
                probe(a); probe(c)
        """
    ) == ["assign in function f = -", "for in function f = -"]


def test_resolve_follows_pythons_scoping_rules() -> None:
    assert probe(
        """
        x = 1
        class C:
            x = 2
            probe(x)
            def m(self):
                probe(x)
        def outer():
            x = 3
            def inner():
                nonlocal x
                x = 4
                probe(x)
            def other():
                global x
                probe(x)
            probe(len)
        """
    ) == [
        "assign in class C = 2",  # the class body sees its own binding
        "assign in module <module> = 1",  # a method does not
        "assign in function outer = 4",  # nonlocal: the binding lives in outer
        "assign in module <module> = 1",  # global
        "unbound",  # a builtin is bound nowhere in the file
    ]


def test_binding_history_and_before() -> None:
    source = textwrap.dedent(
        """
        def f():
            p = make()
            p = p / "x"
        """
    )
    seen: Dict[str, object] = {}

    class Last(Rule):
        __doc__ = DOC
        code = "LL992"
        name = "last-probe"
        message = "m"
        VALID = [Valid("x = 1")]
        INVALID = [Invalid("x  # LL992")]

        def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
            seen["during"] = resolve("p", self.context.scope)
            seen["scope"] = self.context.scope

    lint_source(source, "m.py", rules=[Last])
    code = cst.Module(body=[]).code_for_node
    during = seen["during"]
    # while the right-hand side of the second assignment is visited, `p` is still the first
    assert isinstance(during, Binding) and code(during.value) == "make()"  # type: ignore[arg-type]
    scope = seen["scope"]
    history = scope.history("p")  # type: ignore[attr-defined]
    assert [code(b.value) for b in history] == ["make()", 'p / "x"']
    assert history[1].previous is history[0]
    # "what did p mean when the second binding was made": the first
    assert resolve("p", scope, before=history[1].seq) is history[0]  # type: ignore[arg-type]


def test_resolves_to_module_is_whole_function_locality_after_the_traversal() -> None:
    module_scope = {}

    class AtEnd(Rule):
        __doc__ = DOC
        code = "LL993"
        name = "at-end-probe"
        message = "m"
        VALID = [Valid("x = 1")]
        INVALID = [Invalid("x  # LL993")]

        def visit_Call(self, node: cst.Call) -> None:
            module_scope.setdefault("scopes", []).append(self.context.scope)

        def leave_Module(self, node: cst.Module) -> None:
            f_scope, g_scope = module_scope["scopes"]
            module_scope["f"] = resolves_to_module("cache", f_scope)
            module_scope["g"] = resolves_to_module("cache", g_scope)

    lint_source(
        textwrap.dedent(
            """
            cache = {}
            def f():
                use(cache)
                cache = {}
            def g():
                use(cache)
            """
        ),
        "m.py",
        rules=[AtEnd],
    )
    assert module_scope["f"] is False  # bound later in f: local to f all along
    assert module_scope["g"] is True


@pytest.mark.parametrize(
    "text,calls,expected",
    [
        ("a.b[0].c", True, "a"),
        ("a.b().c", True, "a"),
        ("a.b().c", False, None),
        ("a.values()[0]", {"values", "copy"}, "a"),
        ("a.get()[0]", {"values", "copy"}, None),
        ("f().x", True, "f"),
        ('"s".join', True, None),
    ],
)
def test_root_name(text: str, calls: object, expected: Optional[str]) -> None:
    assert root_name(cst.parse_expression(text), through_calls=calls) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("self.error", True),
        ("self.cached_result[2]", True),
        ('meta["result"]', True),
        ("ctx.curexc", True),
        ("exc", False),  # a name alone: whatever bound it, not a read of a holder
        ("ValueError(msg)", False),
        ("self.get_exception()", False),
        ("q.get().exc", False),
        ("self.errors[key()]", False),
    ],
)
def test_reads_existing_value(text: str, expected: bool) -> None:
    assert reads_existing_value(cst.parse_expression(text)) is expected


def test_base_and_first_attribute() -> None:
    base, first = base_and_first_attribute(cst.parse_expression("self.bus.signal"))
    assert isinstance(base, cst.Name) and base.value == "self" and first == "bus"
    base, first = base_and_first_attribute(cst.parse_expression("self[0].x"))
    assert isinstance(base, cst.Name) and first is None


# ------------------------------------------------------------------------------ declared facts
class CountingFact(Fact):
    made: List["CountingFact"] = []

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context)
        self.calls = 0
        CountingFact.made.append(self)

    def visit_Call(self, node: cst.Call) -> None:
        self.calls += 1


class DependentFact(Fact):
    requires = (CountingFact,)


def _reader(code: str) -> type:
    class Reader(Rule):
        __doc__ = DOC
        name = f"fact-reader-{code[-1]}"
        message = "{n}"
        requires = (DependentFact,)
        VALID = [Valid("x = 1")]
        INVALID = [Invalid(f"f()  # {code}")]

        def visit_Call(self, node: cst.Call) -> None:
            # the fact has already seen this node
            self.report(node, n=self.fact(CountingFact).calls)

    Reader.code = code
    return Reader


def test_facts_are_collected_once_and_before_the_rules() -> None:
    first, second = _reader("LL994"), _reader("LL995")
    assert required_facts([first, second]) == [CountingFact, DependentFact]
    CountingFact.made.clear()
    findings = lint_source("f()\ng()\n", "m.py", rules=[first, second])
    assert len(CountingFact.made) == 1
    assert [(f.code, f.message) for f in findings] == [("LL994", "1"), ("LL995", "1"), ("LL994", "2"), ("LL995", "2")]


def test_a_fact_not_declared_is_an_error() -> None:
    class Undeclared(Rule):
        __doc__ = DOC
        code = "LL996"
        name = "undeclared-fact"
        message = "m"
        VALID = [Valid("x = 1")]
        INVALID = [Invalid("f()  # LL996")]

        def visit_Call(self, node: cst.Call) -> None:
            self.fact(CountingFact)

    with pytest.raises(Exception, match="CountingFact is not collected"):
        lint_source("f()\n", "m.py", rules=[Undeclared])


# ------------------------------------------------------------------------------ policy
def test_one_list_of_run_once_names() -> None:
    assert is_entry_point("main") and is_entry_point("_main")
    # the closure rules' pattern reads the same names (it used to miss `_main`)
    assert ONE_TIME_FUNCTION.search("_main") and ONE_TIME_FUNCTION.search("main")
    assert not ONE_TIME_FUNCTION.search("domain")
    module = cst.parse_module('def run(): ...\nif __name__ == "__main__":\n    run()\n')
    assert once_per_process(module) == {"main", "_main", "run"}


def test_teardown_hooks_run_once_like_their_set_up() -> None:
    for name in ("tearDown", "tearDownModule", "teardown_method", "doModuleCleanups", "doCleanups", "_on_cleanup", "on_shutdown", "on_startup"):
        assert ONE_TIME_FUNCTION.search(name), name
    # a per-object or per-request clean-up is not a lifecycle hook
    for name in ("cleanup", "shutdown", "close", "on_cleanup_request", "cleanup_request", "send_robust"):
        assert not ONE_TIME_FUNCTION.search(name), name


class CodeKindProbe(Rule):
    __doc__ = DOC
    code = "LL992"
    name = "test-code-probe"
    message = "{text}"
    VALID = [Valid("x = 1")]
    INVALID = [Invalid("probe()  # LL992")]

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "probe":
            self.report(node, text="test" if in_test_code(self.context) else "library")


@pytest.mark.parametrize(
    "imports, expected",
    [
        ("from unittest.mock import Mock", "library"),
        ("from unittest import mock", "library"),
        ("import unittest.mock", "library"),
        ("import unittest", "test"),
        ("from unittest import TestCase", "test"),
        ("from unittest.mock import Mock\nimport pytest", "test"),
        ("import os", "library"),
    ],
)
def test_only_unittest_mock_is_not_a_test_module(imports: str, expected: str) -> None:
    # library code imports unittest.mock to recognize mocks (typeguard's checkers); a test
    # module imports unittest itself or pytest
    findings = lint_source(f"{imports}\n\ndef f():\n    probe()\n", "pkg/m.py", rules=[CodeKindProbe])
    assert [f.message for f in findings if f.code == "LL992"] == [expected]


# ------------------------------------------------------------------------------ flow walker
def test_flow_events_are_typed_and_carry_where_the_value_went() -> None:
    from leaklint.analysis.flow import Escape, EventKind, FlowWalker

    function = cst.parse_module(
        textwrap.dedent(
            """
            def f(p):
                fh = open(p)
                data = json.load(fh)
                fh.close()
                keep.append(fh)
                register(lambda: fh)
                return fh
            """
        )
    ).body[0]
    assert isinstance(function, cst.FunctionDef)
    callnames = {}
    for statement in function.body.body:
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
        if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call) and small.value.args:
            if isinstance(small.value.func, cst.Attribute) and small.value.func.attr.value == "load":
                callnames[id(small.value)] = "json.load"
    events = FlowWalker({"fh"}, {}, callnames).run(function.body)
    assert [(e.kind, e.detail, e.escape) for e in events] == [
        (EventKind.BIND, None, None),
        (EventKind.USE, "consumed", Escape.CONSUME),
        (EventKind.METHOD, "close", None),
        (EventKind.ESCAPE, "stored", Escape.STORE),
        (EventKind.ESCAPE, "captured", Escape.CAPTURE),
        (EventKind.ESCAPE, "returned", Escape.RETURN),
    ]


def test_arguments_at_reads_positions_keywords_and_every_argument() -> None:
    from leaklint.analysis.expr import arguments_at

    call = cst.parse_expression("f(a, b, key=c, other=d)")
    assert isinstance(call, cst.Call)
    texts = lambda values: [cst.Module([]).code_for_node(v) for v in values]  # noqa: E731
    assert texts(arguments_at(call, (1, "key"))) == ["b", "c"]
    assert texts(arguments_at(call, (0, "missing", 5))) == ["a"]
    assert texts(arguments_at(call, ("*", 0, "other"))) == ["a", "b", "c", "d"]  # each once
    starred = cst.parse_expression("f(*args, x)")
    assert isinstance(starred, cst.Call)
    assert arguments_at(starred, (1,)) == []  # positions after *args are unknowable


def test_test_paths_include_directories_named_like_test_modules() -> None:
    from leaklint.policy import is_test_path

    for path in ("pkg/tests/x.py", "pkg/testing/x.py", "idlelib/idle_test/mock_idle.py", "svc/api_tests/helpers.py", "pkg/test_io.py", "io_test.py", "conftest.py"):
        assert is_test_path(path), path
    for path in ("pkg/latest/x.py", "pkg/contest/x.py", "pkg/attest.py", "pkg/testament/x.py", "pkg/protest_tools/x.py"):
        assert not is_test_path(path), path


# ------------------------------------------------------------------------------ containers, import time, where a name comes from
class ContainerProbe(Rule):
    __doc__ = DOC
    code = "LL981"
    name = "container-facts-probe"
    message = "{text}"
    VALID = [Valid("x = 1")]
    INVALID = [Invalid("probe()  # LL981")]
    requires = (ContainerUses, ImportTime)
    seen: Dict[str, object] = {}

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "probe":
            self.report(node, text="probe")

    def leave_Module(self, original_node: cst.Module) -> None:
        ContainerProbe.seen = {
            "uses": self.fact(ContainerUses),
            "import": self.fact(ImportTime),
            "scopes": {s.qualname: s for s in self.context.scopes if s.is_function},
        }


def facts(source: str) -> Tuple[ContainerUses, ImportTime, Dict[str, Scope]]:
    lint_source(textwrap.dedent(source), "m.py", rules=[ContainerProbe])
    seen = ContainerProbe.seen
    return seen["uses"], seen["import"], seen["scopes"]  # type: ignore[return-value]


def uses_of(source: str) -> List[Tuple[object, str, str]]:
    """(definition key, what, method) of every use that touches a container of the module."""
    containers, _, _ = facts(source)
    out = []
    for use in containers.uses:
        key = containers.key_of(use)
        if key in containers.defs:
            out.append((containers.defs[key].display, use.what, use.method))
    return out


def test_definitions_are_module_and_module_level_class_containers() -> None:
    containers, _, _ = facts(
        """
        import collections, enum
        CACHE = {}
        BOUNDED = collections.deque(maxlen=3)
        NOT_A_CONTAINER = make()
        class Registry:
            items = []
            __slots__ = ()
        class Color(enum.Enum):
            RED = []
        def f():
            class Local:
                items = []
        """
    )
    assert sorted(d.display for d in containers.defs.values()) == ["CACHE", "Registry.items"]


def test_uses_are_classified_and_resolved_to_their_container() -> None:
    found = uses_of(
        """
        from heapq import heappush
        CACHE = {}
        QUEUE = []
        class Registry:
            items = []
            def add(self, item):
                self.items.append(item)
            @classmethod
            def drop(cls):
                cls.items.clear()
        def grow(key, value):
            CACHE[key] = value
            CACHE.setdefault(key, []).append(value)
            heappush(QUEUE, key)
            if key in CACHE:
                return CACHE.get(key)
            if len(QUEUE) > 10:
                QUEUE.pop()
        def reset():
            global CACHE
            CACHE = {}
        """
    )
    assert ("Registry.items", "grow_method", "append") in found
    assert ("Registry.items", "shrink", "") in found
    assert ("CACHE", "grow_item", "__setitem__") in found
    assert ("CACHE", "grow_method", "setdefault") in found
    assert ("QUEUE", "grow_func", "heapq.heappush") in found
    assert ("CACHE", "lookup", "") in found
    assert ("QUEUE", "guard", "") in found
    assert ("QUEUE", "shrink", "") in found
    assert ("CACHE", "reset", "") in found


def test_a_local_alias_reaches_the_module_container_and_a_local_of_that_name_does_not() -> None:
    found = uses_of(
        """
        _CACHE = {}
        def through_alias(k, v):
            cache = _CACHE
            cache[k] = v
        def unpacked(k, v):
            a, cache = 1, _CACHE
            cache.append(v)
        def shadowed(k, v):
            _CACHE = {}
            _CACHE[k] = v
        """
    )
    assert found.count(("_CACHE", "grow_item", "__setitem__")) == 1
    assert ("_CACHE", "grow_method", "append") in found


def test_task_items_are_marked_for_the_task_set_rule() -> None:
    containers, _, _ = facts(
        """
        import asyncio
        TASKS = set()
        def spawn(coro):
            task = asyncio.create_task(coro)
            TASKS.add(task)
            TASKS.add(coro)
        """
    )
    assert [u.task for u in containers.uses if u.what == "grow_method"] == [True, False]


def test_item_store_keeps_its_value_beside_its_key() -> None:
    containers, _, _ = facts(
        """
        TABLE = {}
        def put(k, v):
            TABLE[k] = v
            other()[k] = 1
        """
    )
    stores = [u for u in containers.uses if u.what == "grow_item"]
    assert len(stores) == 1
    assert isinstance(stores[0].data, cst.Name) and stores[0].data.value == "k"
    assert isinstance(stores[0].value, cst.Name) and stores[0].value.value == "v"


def test_import_time_functions() -> None:
    _, imports, scopes = facts(
        """
        def _setup():
            _inner()
        def _inner():
            pass
        def public():
            pass
        def _called_later():
            pass
        _setup()
        public()
        def run():
            _called_later()
        def _deleted():
            pass
        del _deleted
        def register(fn):
            return fn
        def factory(name):
            def deco(fn):
                return fn
            return deco
        def wrap(fn):
            def wrapper(*a):
                return fn(*a)
            return wrapper
        def computes(x):
            if x:
                return x
            return compute(x)
        class Base:
            def __init_subclass__(cls):
                pass
        class Meta(type):
            def __new__(mcls, *a):
                pass
        class Plain:
            def __new__(cls):
                pass
        """
    )
    assert imports.called_only_at_import("_setup")
    assert imports.called_only_at_import("_inner")
    assert imports.called_only_at_import("_deleted")
    assert not imports.called_only_at_import("public")
    assert not imports.called_only_at_import("_called_later")
    assert imports.decorator_shaped(scopes["register"].node)
    assert imports.decorator_shaped(scopes["factory"].node)
    assert not imports.decorator_shaped(scopes["computes"].node)
    assert imports.wrapper_decorator(scopes["wrap"].node)
    assert not imports.wrapper_decorator(scopes["factory"].node.body.body[0])  # type: ignore[attr-defined]
    assert imports.runs_at_import(scopes["Base.__init_subclass__"])
    assert imports.runs_at_import(scopes["Meta.__new__"])
    assert not imports.runs_at_import(scopes["Plain.__new__"])
    assert imports.runs_at_import(scopes["_inner"])
    assert not imports.runs_at_import(scopes["run"])
    assert imports.params(scopes["factory"].node) == {"name"}


def test_where_a_local_comes_from_is_read_from_the_bindings() -> None:
    _, _, scopes = facts(
        """
        def f(request, items):
            key = request.id
            oid = id(request)
            a, b = split(key)
            made = compute()
            for item in items:
                pass
            squares = [n * n for n in range(3)]
            cache = CACHE
        """
    )
    scope = scopes["f"]
    derived = derived_names(scope)
    assert derived["key"] == {"request"}
    assert derived["a"] == derived["b"] == {"split", "key"}
    assert derived["item"] == {"items"}
    assert loop_targets(scope) == {"item", "n"}
    assert identity_locals(scope) == {"oid"}
    assert from_input(cst.parse_expression("b"), scope)  # b <- key <- request
    assert not from_input(cst.parse_expression("made"), scope)
    assert local_alias("cache", scope) == "CACHE"
    assert local_alias("made", scope) is None


def test_expression_helpers_for_keys_and_targets() -> None:
    assert is_closed_key(cst.parse_expression("('a', 1, Color.RED, MAX_SIZE)"))
    assert not is_closed_key(cst.parse_expression("(name, 1)"))
    target, value = cst.parse_expression("a, b"), cst.parse_expression("x, y")
    found = paired_value(target, value, "b")
    assert isinstance(found, cst.Name) and found.value == "y"
    assert paired_value(target, cst.parse_expression("f()"), "b") is None
