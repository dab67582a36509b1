"""The analysis layer's container facts: `analysis.containers.ContainerUses` (process-lived
containers and their uses), `analysis.import_time.ImportTime` (code that runs only at import)
and the binding queries of `analysis.values` (where a stored name comes from)."""

from __future__ import annotations

import textwrap
from typing import Dict, List, Tuple

import libcst as cst

from leaklint.analysis.containers import ContainerUses, local_alias
from leaklint.analysis.expr import is_closed_key, paired_value
from leaklint.analysis.import_time import ImportTime
from leaklint.analysis.scopes import Scope
from leaklint.analysis.values import derived_names, from_input, identity_locals, loop_targets
from leaklint.engine import lint_source
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


class _Probe(Rule):
    """Keeps the facts and the scopes of the last file it saw, for the tests to query."""

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
        _Probe.seen = {
            "uses": self.fact(ContainerUses),
            "import": self.fact(ImportTime),
            "scopes": {s.qualname: s for s in self.context.scopes if s.is_function},
        }


def facts(source: str) -> Tuple[ContainerUses, ImportTime, Dict[str, Scope]]:
    lint_source(textwrap.dedent(source), "m.py", rules=[_Probe])
    seen = _Probe.seen
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
