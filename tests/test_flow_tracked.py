"""The flow walker's tracked-value spec (`analysis.flow.TrackedValue`, `follow`, `follow_each`)
and the capabilities it reads: values followed where they stand, the call and argument a
value is given to, the member read from it, member chains (`members=True`)."""

import textwrap
from typing import Dict, List, Tuple

import libcst as cst

from leaklint.analysis.flow import Escape, EventKind, FlowWalker, TrackedValue, follow_each
from leaklint.engine import lint_source
from leaklint.matchers import method_self
from leaklint.rule import Rule
from leaklint.types import Invalid, Valid

from test_analysis import DOC  # noqa: E402  (the probes' rule docstring)


def _function(source: str) -> cst.FunctionDef:
    function = cst.parse_module(textwrap.dedent(source)).body[0]
    assert isinstance(function, cst.FunctionDef)
    return function


def _calls(node: cst.CSTNode, name: str) -> List[cst.Call]:
    out: List[cst.Call] = []

    class Finder(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            if isinstance(call.func, cst.Name) and call.func.value == name:
                out.append(call)

    node.visit(Finder())
    return out


def test_values_are_followed_where_they_stand() -> None:
    function = _function(
        """
        def f(self):
            make().start()
            self.kept = make()
            return [make()]
        """
    )
    made = _calls(function, "make")
    walker = FlowWalker(set(), {}, {}, "self", values={id(call): f"#{i}" for i, call in enumerate(made)})
    events = [(e.name, e.kind, e.detail, e.escape) for e in walker.run(function.body)]
    assert events == [
        ("#0", EventKind.METHOD, "start", None),
        ("#1", EventKind.SELF_STORE, "kept", Escape.STORE_SELF),
        ("#2", EventKind.ESCAPE, "returned", Escape.RETURN),
    ]


def test_events_carry_the_call_an_argument_goes_to_and_the_member_read() -> None:
    function = _function(
        """
        def f(t):
            helper(t, key=t)
            keep([t])
            cleanup(t.join)
        """
    )
    events = FlowWalker({"t"}, {}, {}).run(function.body)
    helper, keep, cleanup = _calls(function, "helper")[0], _calls(function, "keep")[0], _calls(function, "cleanup")[0]
    assert [(e.call is helper, e.arg.keyword.value if e.arg and e.arg.keyword else None) for e in events[:2]] == [(True, None), (True, "key")]
    assert events[2].call is None  # in a container: not the argument itself
    assert events[3].member == "join" and events[3].call is None and events[3].kind is EventKind.RELEASE_REF
    assert keep is not None and cleanup is not None


def test_members_go_where_the_value_goes() -> None:
    function = _function(
        """
        def f(fig):
            fig.savefig(p)
            return fig.add_subplot()
        """
    )
    plain = [(e.kind, e.escape) for e in FlowWalker({"fig"}, {}, {}).run(function.body)]
    assert plain == [(EventKind.METHOD, None), (EventKind.METHOD, None)]
    through = [(e.kind, e.escape) for e in FlowWalker({"fig"}, {}, {}, members=True).run(function.body)]
    assert through == [(EventKind.USE, Escape.USE), (EventKind.ESCAPE, Escape.RETURN)]


class FollowProbe(Rule):
    # reports each `make()` call with what `follow_each` found: its names and whether it is
    # released, passed on or entered, with `members` / `derived` as `MEMBERS` says
    __doc__ = DOC
    code = "LL990"
    name = "follow-probe"
    message = "{text}"
    VALID = [Valid("x = 1")]
    INVALID = [Invalid("def f():\n    make()  # LL990\n")]
    MEMBERS = False

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self.made: List[Tuple[object, cst.Call, str]] = []
        self.owning: Dict[int, bool] = {}

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "make":
            self.made.append((self.context.function_scope or self.context.module_scope, node, "thing"))
        elif isinstance(node.func, cst.Name) and node.func.value == "own":
            self.owning[id(node)] = True

    def leave_Module(self, node: cst.Module) -> None:
        spec = TrackedValue(
            releases={"thing": frozenset({"close"})},
            ends=frozenset({Escape.RETURN, Escape.STORE, Escape.STORE_SELF}),
            owns=lambda call: id(call) in self.owning,
            members=self.MEMBERS,
            derived=self.MEMBERS,
        )
        followed = follow_each(spec, self.made, {}, lambda scope: method_self(self.context, scope))
        for _, call, _ in self.made:
            value = followed[id(call)]
            flags = [w for w, on in (("released", value.released()), ("passed", value.passed_on()), ("entered", value.entered())) if on]
            self.report(call, text=f"{','.join(sorted(value.names)) or '-'}: {','.join(flags) or 'kept here'}")


class MembersProbe(FollowProbe):
    __doc__ = DOC
    code = "LL989"
    name = "follow-probe-members"
    INVALID = [Invalid("def f():\n    make()  # LL989\n")]
    MEMBERS = True


def _follow(source: str, rule: type = FollowProbe) -> List[str]:
    return [f.message for f in lint_source(textwrap.dedent(source), "m.py", rules=[rule])]


def test_follow_reads_bindings_releases_owners_and_escapes() -> None:
    assert _follow(
        """
        def f(items):
            a = make()
            a.close()
            b = make()
            own(b)
            c = make()
            c.use()
            d = make()
            alias = d
            e = make()
            items.append(e)
            make_close = 1
            g = make()
            cleanup(g.close)
            with make():
                pass
            return make()
        """
    ) == [
        "a: released",
        "b: passed",
        "c: kept here",
        "d: passed",  # stored in a name nobody follows
        "e: kept here",  # `append` is no owner here: the spec's owners decide for arguments
        "g: released",
        "-: entered",
        "-: passed",
    ]


def test_follow_with_members_and_derived_names() -> None:
    assert _follow(
        """
        def f(self):
            fig = make()
            ax = fig.add_subplot()
            self.ax = ax

        def g():
            ax = make().add_subplot()
            ax.plot()
            fig2 = ax.figure
            return fig2.number

        def h():
            fig = make()
            fig.savefig("x")
        """,
        MembersProbe,
    ) == ["ax,fig: passed", "ax,fig2: passed", "fig: kept here"]


def test_read_in_what_is_returned_is_returned_but_a_method_result_is_not() -> None:
    assert _follow(
        """
        def f(cache):
            loop = make()
            return loop.run_until_complete(1)

        def g(cache):
            loop = make()
            return cache[loop]

        def h():
            loop = make()
            yield loop.name
        """
    ) == ["loop: kept here", "loop: passed", "loop: passed"]
