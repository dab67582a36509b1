"""The family-private facts: `rules.closures._frames.FrameValues` (LL302) and
`rules.libraries._endless.EndlessLoops` (LL603), read through small probe rules."""

import textwrap
from typing import List

import libcst as cst

from leaklint.engine import lint_source
from leaklint.rule import Rule
from leaklint.rules.closures._frames import FrameValues
from leaklint.rules.libraries._endless import EndlessLoops
from tests.probes import probe_rule


def _kind(rule: Rule, node: cst.Call) -> None:
    # `probe(expr)`: reports the kind of frame-referencing value `expr` holds there
    if isinstance(node.func, cst.Name) and node.func.value == "probe":
        rule.report(node, text=str(rule.fact(FrameValues).kind_of(node.args[0].value)))


def _endless(rule: Rule, node: cst.Module) -> None:
    # reports, at the end of the file, the functions that loop until stopped
    fact = rule.fact(EndlessLoops)
    forever = sorted(fact.forever - {"serve_forever", "run_forever"})
    owners = sorted(f"{c}.{m}" for c, m in fact.owner_loops)
    rule.report(node, text=f"{','.join(forever)} | {','.join(owners)}")


KindProbe = probe_rule("LL988", (FrameValues,), visit_Call=_kind)
EndlessProbe = probe_rule("LL987", (EndlessLoops,), leave_Module=_endless)


def _messages(source: str, rule: type) -> List[str]:
    return [f.message for f in lint_source(textwrap.dedent(source), "m.py", rules=[rule])]


def test_frame_values_kinds_taint_and_let_go() -> None:
    assert _messages(
        """
        import sys, inspect

        def f():
            try:
                work()
            except Exception as e:
                probe(e)
                probe(e.__traceback__)
                t, v, tb = sys.exc_info()
                probe(v)
                probe(tb.tb_next)
                kept = e
            probe(kept)
            kept = None
            probe(kept)
            probe(sys.exc_info())
            frame = inspect.currentframe()
            probe(frame.f_back)
            probe(sys._getframe(1))

        def g(self, exc_type, exc_val, exc_tb):
            probe(exc_val)

        class C:
            def __exit__(self, exc_type, exc_val, exc_tb):
                probe(exc_tb)
        """,
        KindProbe,
    ) == [
        "exception",
        "traceback",
        "exception",
        "outer_traceback",
        "exception",
        "None",
        "outer_exc_info",
        "outer_frame",
        "outer_frame",
        "None",
        "outer_traceback",
    ]


def test_endless_loops() -> None:
    assert _messages(
        """
        def watch(q):
            while True:
                q.put(1)

        def poll(q):
            while True:
                if q.get() is None:
                    return

        def guarded(q):
            try:
                while True:
                    q.put(1)
            except RuntimeError:
                pass

        class Poller:
            def _loop(self):
                while not self._stopped:
                    self.poll()

            def _spin(self):
                while True:
                    for item in self.items:
                        break
        """,
        EndlessProbe,
    ) == ["_spin,watch | Poller._loop,Poller._spin"]
