"""analysis.body: searches of one function body, nested definitions left out."""

import textwrap

import libcst as cst

from leaklint.analysis.body import (
    assigned_names,
    attr_container_of,
    call_taking,
    calls_under,
    inner_blocks,
    names_bound_to,
    node_by_id,
)

CODE = cst.Module(body=[]).code_for_node


def _function(source: str) -> cst.FunctionDef:
    function = cst.parse_module(textwrap.dedent(source)).body[0]
    assert isinstance(function, cst.FunctionDef)
    return function


FUNCTION = _function(
    """
    def f(p, q):
        a = open(p)
        b: list = []
        c, d = open(q), 1
        if (e := open(p)):
            g = 1
        elif p:
            h = 2
        else:
            i = 3
        self.files.append(a)
        store(wrap(a), key=a)

        def inner():
            z = open(p)
            self.other.append(a)
        k = lambda: open(p)
    """
)


def test_calls_under_in_source_order_without_nested_scopes() -> None:
    assert [CODE(c.func) for c in calls_under(FUNCTION.body)] == [
        "open", "open", "open", "self.files.append", "store", "wrap",
    ]


def test_inner_blocks_of_an_if_chain() -> None:
    statement = FUNCTION.body.body[3]
    assert [[CODE(s).strip() for s in block] for block in inner_blocks(statement)] == [["g = 1"], ["h = 2"], ["i = 3"]]


def test_node_by_id_finds_any_node() -> None:
    statement = FUNCTION.body.body[3]
    assert node_by_id(FUNCTION, id(statement)) is statement
    assert node_by_id(FUNCTION.body.body[0], id(statement)) is None


def test_assigned_and_bound_names() -> None:
    assert assigned_names(FUNCTION) == {"a", "b", "g", "h", "i", "k"}
    opens = {id(c) for c in calls_under(FUNCTION.body) if CODE(c.func) == "open"}
    tuple_value = FUNCTION.body.body[2].body[0].value  # type: ignore[attr-defined]
    # `c, d = open(q), 1`: the tuple is the value; bound to it, both names are unpacked
    assert names_bound_to(FUNCTION, opens) == {"a", "e"}
    assert names_bound_to(FUNCTION, opens | {id(tuple_value)}) == {"a", "c", "d", "e"}


def test_call_taking_and_attr_container_of() -> None:
    line = FUNCTION.body.body[5]
    argument = line.body[0].value.args[1].value  # type: ignore[attr-defined]
    found = call_taking(line, argument)
    assert found is not None and CODE(found.func) == "store"
    inner = line.body[0].value.args[0].value.args[0].value  # type: ignore[attr-defined]
    found = call_taking(line, inner)
    assert found is not None and CODE(found.func) == "wrap"
    assert attr_container_of(FUNCTION, "self", "a") == "files"
    assert attr_container_of(FUNCTION, "self", "b") is None
    assert attr_container_of(FUNCTION, "this", "a") is None
