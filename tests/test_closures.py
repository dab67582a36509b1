"""Free-variable analysis shared by the LL3xx rules (behaviour the rule cases do not pin down
one name at a time)."""

import textwrap

import libcst as cst
import pytest

from leaklint.rules.closures._common import free_names


def _first_def(source: str) -> cst.FunctionDef:
    module = cst.parse_module(textwrap.dedent(source))
    outer = module.body[0]
    assert isinstance(outer, cst.FunctionDef)
    for stmt in outer.body.body:
        if isinstance(stmt, cst.FunctionDef):
            return stmt
    raise AssertionError("no nested def")


@pytest.mark.parametrize(
    "source,expected",
    [
        ("def f(a):\n    def g(b):\n        return a + b\n", {"a"}),
        ("def f(a):\n    def g():\n        a = 1\n        return a\n", set()),
        ("def f(a):\n    def g(a=a):\n        return a\n", set()),
        ("def f(a):\n    def g():\n        return [a for a in range(3)]\n", {"range"}),
        ("def f(a):\n    def g():\n        global a\n        return a\n", set()),
        ("def f(a):\n    def g():\n        nonlocal a\n        a = 2\n", {"a"}),
        ("def f(a):\n    def g(x):\n        return x.a + len(key=a)\n", {"len", "a"}),
        ("def f(a):\n    def g():\n        def h():\n            return a\n        return h\n", {"a"}),
        ("def f(a):\n    def g():\n        import a\n        return a\n", set()),
        ("def f(a, b):\n    def g():\n        try:\n            pass\n        except ValueError as a:\n            return b\n", {"ValueError", "b"}),
        ("def f(a):\n    def g():\n        return lambda: a\n", {"a"}),
        ("def f(a):\n    def g():\n        for i in a:\n            pass\n        return i\n", {"a"}),
        ("def f(a):\n    def g():\n        return (y := a)\n", {"a"}),
        ("def f(a):\n    def g():\n        match a:\n            case [x, *rest]:\n                return x, rest\n", {"a"}),
        ("def f(a):\n    def g():\n        return [x for x in a if x > 0]\n", {"a"}),
    ],
)
def test_free_names(source: str, expected: set) -> None:
    assert set(free_names(_first_def(source))) == expected
