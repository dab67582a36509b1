"""leaklint.analysis.values: which names a function shows to be objects, not values."""

from __future__ import annotations

import libcst as cst

from leaklint.analysis.values import annotated_object, object_evidence


def _function(source: str) -> cst.FunctionDef:
    node = cst.parse_module(source).body[0]
    assert isinstance(node, cst.FunctionDef)
    return node


def test_annotations_naming_a_class_are_objects_value_types_and_unions_with_them_are_not() -> None:
    fn = _function(
        "def f(a: IO[str], b: 'Connection', c: Optional[Reader], d: str, e: int | None,"
        " g: Union[str, Conn], h: Any, i: type, j: Tuple[int, int], k: Conn | None, m): pass\n"
    )
    found = {p.name.value: annotated_object(p) for p in fn.params.params}
    assert found == {"a": "IO", "b": "Connection", "c": "Reader", "d": None, "e": None, "g": None, "h": None, "i": None, "j": None, "k": "Conn", "m": None}


def test_method_calls_that_no_value_type_has_callbacks_and_calls() -> None:
    fn = _function(
        "def f(connection, pattern, on_change, fn, key, reader):\n"
        "    connection.register_script(S)\n"
        "    pattern.strip().split(',')\n"
        "    key.encode()\n"
        "    fn()\n"
        "    for r in reader.readers:\n"
        "        r._set_collect_callback(x)\n"
    )
    found = object_evidence(fn)
    assert found["connection"] == "its method register_script() is called"
    assert found["on_change"] == "a callback handed in"
    assert found["fn"] == "called"
    assert found["r"] == "its method _set_collect_callback() is called"
    assert "pattern" not in found and "key" not in found
    # `reader.readers` is an attribute read, not a call: no evidence about `reader` itself
    assert "reader" not in found
