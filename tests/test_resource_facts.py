"""The resource family's private facts (`_pipes`: Popen pipes left open, `_init_raise`: a raise
in `__init__` after a resource was stored), the policy's `HeldFindings`, `matchers.method_of`
and `expr.is_constant`."""

import textwrap
from typing import Any, Dict, List, Optional

import libcst as cst

from leaklint.analysis.expr import is_constant
from leaklint.analysis.body import calls_under
from leaklint.analysis.flow import EventKind, FlowWalker, group_by_name, live_span
from leaklint.engine import lint_source
from leaklint.matchers import method_of
from leaklint.policy import HeldFindings
from leaklint.rules.resources._init_raise import raise_after_store
from leaklint.rules.resources._pipes import piped_streams, streams_left_open
from leaklint.types import Confidence
from tests.probes import probe_rule

CODE = cst.Module(body=[]).code_for_node


SEEN: Dict[str, Any] = {}


def _visit_call(rule: Any, node: cst.Call) -> None:
    if CODE(node.func).endswith("Popen"):
        SEEN.setdefault("pipes", []).append(sorted(piped_streams(rule.context, node)))


def _visit_function(rule: Any, node: cst.FunctionDef) -> None:
    cls, self_name = method_of(rule.context, node)
    SEEN.setdefault("methods", []).append((node.name.value, cls.name.value if cls else None, self_name))


# records, while the traversal runs, the piped streams of each `Popen(...)` and the class and
# self of each function
PROBE = probe_rule("LL988", visit_Call=_visit_call, visit_FunctionDef=_visit_function)


def _probe(source: str) -> Dict[str, Any]:
    SEEN.clear()
    lint_source(textwrap.dedent(source), "m.py", rules=[PROBE])
    return SEEN


def test_piped_streams_through_keywords_locals_and_kwargs() -> None:
    seen = _probe(
        """
        import subprocess
        from subprocess import PIPE, Popen

        def run(cmd, debug):
            out = None if debug else PIPE
            options = {"stderr": subprocess.PIPE, "stdin": None}
            a = Popen(cmd, stdout=PIPE)
            b = subprocess.Popen(cmd, stdout=out, **options)
            c = Popen(cmd, stdout=subprocess.DEVNULL)
        """
    )
    assert seen["pipes"] == [["stdout"], ["stderr", "stdout"], []]


def _popen_events(source: str) -> Any:
    function = cst.parse_module(textwrap.dedent(source)).body[0]
    assert isinstance(function, cst.FunctionDef)
    events = group_by_name(FlowWalker({"p"}, {}, {}).run(function.body))["p"]
    span, _ = live_span(events, 0)
    return function, events[0], span


def test_streams_left_open() -> None:
    streams = frozenset({"stdout", "stderr"})
    function, bind, span = _popen_events(
        """
        def run(cmd):
            p = make(cmd)
            for line in p.stdout:
                print(line)
            p.stderr.close()
            p.wait()
        """
    )
    assert streams_left_open(function.body, "p", bind, span, streams) == ["stdout"]
    function, bind, span = _popen_events(
        """
        def run(cmd):
            p = make(cmd)
            out, err = p.communicate()
        """
    )
    assert streams_left_open(function.body, "p", bind, span, streams) == []
    function, bind, span = _popen_events(
        """
        def run(cmd, quick):
            p = make(cmd)
            if quick:
                p.communicate()
            keep(p.stderr)
            p.wait()
        """
    )
    assert streams_left_open(function.body, "p", bind, span, streams) == ["stdout"]


def _init_store(source: str) -> Any:
    """The class, its `__init__` and the flow event of its `self.fh = open(p)`."""
    cls = cst.parse_module(textwrap.dedent(source)).body[0]
    assert isinstance(cls, cst.ClassDef)
    init = cls.body.body[0]
    assert isinstance(init, cst.FunctionDef)
    resources = {id(c): "a resource" for c in calls_under(init.body) if CODE(c.func) == "open"}
    stores = [e for e in FlowWalker(set(), resources, {}, "self").run(init.body) if e.kind == EventKind.DIRECT_SELF_STORE]
    return cls, init, stores[0]


def test_raise_after_store() -> None:
    never = lambda call: False  # noqa: E731
    raises = """
        class A:
            def __init__(self, p):
                self.fh = open(p)
                if not p:
                    raise ValueError(p)
        """
    cls, init, store = _init_store(raises)
    found = raise_after_store(init, cls, store, "self", never)
    assert found is not None and CODE(found).startswith("raise ValueError")
    finalised = raises + """
            def __del__(self):
                self.fh.close()
        """
    cls, init, store = _init_store(finalised)
    assert raise_after_store(init, cls, store, "self", never) is None  # its own finaliser closes it
    cls, init, store = _init_store(
        """
        class A:
            def __init__(self, p):
                if p:
                    self.fh = open(p)
                raise ValueError(p)
        """
    )
    assert raise_after_store(init, cls, store, "self", never) is None  # not stored at the top
    cls, init, store = _init_store(
        """
        class A:
            def __init__(self, p):
                self.fh = open(p)
                if not p:
                    self.fh.close()
                    raise ValueError(p)
        """
    )
    assert raise_after_store(init, cls, store, "self", never) is None
    cls, init, store = _init_store(
        """
        class A:
            def __init__(self, p):
                self.fh = open(p)
                try:
                    check(p)
                except OSError:
                    raise
                self._check()
        """
    )
    assert raise_after_store(init, cls, store, "self", never) is None
    found = raise_after_store(init, cls, store, "self", lambda call: CODE(call.func) == "self._check")
    assert found is not None and CODE(found) == "self._check()"


def test_method_of() -> None:
    seen = _probe(
        """
        def free():
            pass

        class A:
            def method(this):
                def inner(x):
                    pass

            @staticmethod
            def static(x):
                pass
        """
    )
    assert seen["methods"] == [("free", None, None), ("method", "A", "this"), ("inner", None, None), ("static", "A", None)]


def test_held_findings_follow_runs_once_and_the_lifetime_model() -> None:
    class Runs:
        def __init__(self, value: str) -> None:
            self.value = value

    class Project:
        def __init__(self, runs: Dict[str, str]) -> None:
            self.runs = runs

        def scope_multiplicity(self, module: Optional[str], qualname: str) -> Runs:
            return Runs(self.runs.get(qualname, "unknown"))

    class Ctx:
        module = "m"

        def __init__(self, project: Any) -> None:
            self.project = project

    module = cst.parse_module("def main():\n    pass\n\nif __name__ == '__main__':\n    helper()\n")
    nodes = [cst.Name(f"n{i}") for i in range(6)]
    held = HeldFindings()
    held.hold("main", "main", nodes[0], {"k": 0})
    held.hold("helper", "helper", nodes[1], {"k": 1})
    held.hold("work", "work", nodes[2], {"k": 2}, graded=True)
    held.hold("loop", "loop", nodes[3], {"k": 3}, needs_repeat=True, graded=True)
    held.hold(None, "C.m", nodes[4], {"k": 4}, needs_repeat=True)
    held.hold("setup", "setup", nodes[5], {"k": 5})
    project = Project({"loop": "repeated", "setup": "once"})

    def settle(ctx: Any, unknown_repeats: bool) -> List[Any]:
        return [(fields["k"], fields.get("confidence")) for _, fields in held.settle(ctx, module, unknown_repeats)]

    assert settle(Ctx(project), False) == [(2, Confidence.MEDIUM), (3, Confidence.HIGH)]
    assert settle(Ctx(project), True) == [(2, Confidence.MEDIUM), (3, Confidence.HIGH), (4, None)]
    assert settle(Ctx(None), False) == [(2, Confidence.MEDIUM), (5, None)]


def test_is_constant() -> None:
    constants = ["'x'", "'a' 'b'", "1", "1.5", "None", "True", "False"]
    others = ["f'{x}'", "x", "open(p)", "[]", "-1"]
    assert [is_constant(cst.parse_expression(text)) for text in constants] == [True] * len(constants)
    assert [is_constant(cst.parse_expression(text)) for text in others] == [False] * len(others)
