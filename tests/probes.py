"""Probe rules for tests of the analysis layer: a rule that reports nothing and runs the given
`visit_*` / `leave_*` functions, so a test can read a fact while the traversal is at a node
(where the scope is the one the fact is asked in)."""

from typing import Any, Callable, Tuple

from leaklint.rule import Rule
from leaklint.types import Invalid, Valid
from tests.test_analysis import DOC  # the metadata every probe rule carries


def probe_rule(code: str, requires: Tuple[type, ...] = (), **handlers: Callable[..., Any]) -> type:
    """A rule class `code` (LL9xx) whose handlers are `handlers` (name -> function of (rule, node))."""

    def handler(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def method(self: Any, node: Any) -> Any:
            return function(self, node)

        method.__name__ = name  # the engine keeps only methods named visit_* / leave_*
        return method

    namespace = {
        "__doc__": DOC, "code": code, "name": f"probe-{code.lower()}", "message": "{text}", "requires": requires,
        "VALID": [Valid("x = 1")], "INVALID": [Invalid(f"f()  # {code}")],
        **{name: handler(name, function) for name, function in handlers.items()},
    }
    return type(f"Probe{code}", (Rule,), namespace)
