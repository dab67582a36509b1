"""The flow walker's shared queries over one name's events: group_by_name, live_span,
finally_releases_after, unguarded_failure, gathered_in_loop; and the resource family's
release test (`Resource.released_by`) that feeds them."""

import textwrap
from typing import Dict, List, Tuple

import libcst as cst

from leaklint.analysis.body import calls_under
from leaklint.analysis.flow import (
    Event,
    EventKind,
    FlowWalker,
    finally_releases_after,
    gathered_in_loop,
    group_by_name,
    live_span,
    unguarded_failure,
)
from leaklint.rules.resources._common import Resource

SOCKET = Resource("socket.socket", "socket.socket()", ("close", "detach"))
CODE = cst.Module(body=[]).code_for_node


def _events(source: str, name: str) -> Tuple[cst.FunctionDef, List[Event]]:
    """The events of `name` in the function `source`, every `socket(...)` call a resource."""
    function = cst.parse_module(textwrap.dedent(source)).body[0]
    assert isinstance(function, cst.FunctionDef)
    resources: Dict[int, Resource] = {
        id(c): SOCKET for c in calls_under(function.body) if CODE(c.func) == "socket"
    }
    events = FlowWalker({name}, resources, {}).run(function.body)
    return function, group_by_name(events)[name]


def test_group_by_name_keeps_source_order() -> None:
    function = cst.parse_module("def f():\n    a = x()\n    b = y()\n    a.close()\n    b.close()\n").body[0]
    events = FlowWalker({"a", "b"}, {}, {}).run(function.body)  # type: ignore[attr-defined]
    grouped = group_by_name(events)
    assert list(grouped) == ["a", "b"]
    assert [e.kind for e in grouped["a"]] == [EventKind.BIND, EventKind.METHOD]


def test_live_span_ends_at_a_rebinding_but_not_one_in_a_handler() -> None:
    _, events = _events(
        """
        def f(p):
            s = socket(p)
            try:
                s.seek(0)
            except OSError:
                s = other(s)
            s.recv(1)
            s = socket(p)
            s.close()
        """,
        "s",
    )
    span, cut = live_span(events, 0)
    assert [e.detail for e in span if e.kind == EventKind.METHOD] == ["seek", "recv"]
    assert cut is not None and cut.kind == EventKind.BIND_RESOURCE
    later = events.index(cut)
    span, cut = live_span(events, later)
    assert [e.detail for e in span] == ["close"] and cut is None


def test_live_span_of_a_binding_in_a_loop_sees_the_loop_before_it() -> None:
    _, events = _events(
        """
        def f(p):
            for x in p:
                s.send(x)
                s = socket(x)
        """,
        "s",
    )
    index = next(i for i, e in enumerate(events) if e.kind == EventKind.BIND_RESOURCE)
    span, _ = live_span(events, index)
    assert [e.detail for e in span] == ["send"]


def test_finally_releases_after_a_rebinding_in_the_same_try() -> None:
    _, events = _events(
        """
        def f(a, b):
            try:
                s = socket(a)
                s = socket(b)
            finally:
                s.close()
        """,
        "s",
    )
    span, cut = live_span(events, 0)
    assert cut is not None and not [e for e in span if SOCKET.released_by(e)]
    found = finally_releases_after(events, 0, cut, SOCKET.released_by)
    assert [e.detail for e in found] == ["close"]


def test_unguarded_failure_of_connect() -> None:
    leaky = """
        def f(addr):
            s = socket()
            s.connect(addr)
            return s
        """
    guarded = """
        def f(addr):
            s = socket()
            try:
                s.connect(addr)
            except OSError:
                s.close()
                raise
            return s
        """
    never_released = """
        def f(addr):
            s = socket()
            s.connect(addr)
        """
    uncaught_bind = """
        def f(addr):
            s = socket()
            s.bind(addr)
            return s
        """
    answers = []
    for source in (leaky, guarded, never_released, uncaught_bind):
        _, events = _events(source, "s")
        span, _ = live_span(events, 0)
        found = unguarded_failure(
            events[0], span, events[1:], frozenset({"connect", "bind"}), SOCKET.releases,
            when_caught=frozenset({"bind"}),
        )
        answers.append(found.detail if found is not None else None)
    assert answers == ["connect", None, None, None]


def test_gathered_in_loop_that_raises() -> None:
    source = """
        def f(paths):
            items = []
            for p in paths:
                s = socket(p)
                if not p:
                    raise ValueError(p)
                items.append(s)
            return items
        """
    function, events = _events(source, "s")
    index = next(i for i, e in enumerate(events) if e.kind == EventKind.BIND_RESOURCE)
    span, _ = live_span(events, index)
    found = gathered_in_loop(function, "s", events[index], span)
    assert found is not None and found[0] == "items" and CODE(found[1]).startswith("raise ValueError")
    safe, events = _events(source.replace("raise ValueError(p)", "continue"), "s")
    index = next(i for i, e in enumerate(events) if e.kind == EventKind.BIND_RESOURCE)
    span, _ = live_span(events, index)
    assert gathered_in_loop(safe, "s", events[index], span) is None


def test_released_by_reads_the_kind_of_resource() -> None:
    _, events = _events(
        """
        def f(p):
            s = socket(p)
            s.flush()
            s.detach()
            s.__exit__(None, None, None)
        """,
        "s",
    )
    assert [e.detail for e in events if SOCKET.released_by(e)] == ["detach", "__exit__"]
