"""Popen pipes: which standard streams a `subprocess.Popen` call connects to a pipe, and which
of them the function that made the process closes or hands on.

`wait()` reaps the child but closes none of its pipes; `communicate()` and `with proc:` close
them all. Used by LL401's pipes form (`resource_not_closed`): a Popen released (waited on)
while some of its `stdout` / `stderr` / `stdin` pipes are never closed.

- `piped_streams(ctx, call)`: the streams the call gives `subprocess.PIPE` (a keyword, a local
  bound to PIPE on some path, a local dict of keywords passed as `**kwargs`); read while the
  traversal is at the call, so the bindings are the ones that reach it;
- `streams_left_open(body, name, bind, span, streams)`: those of `streams` that the body
  neither closes nor hands on, in stdin / stdout / stderr order; none when `communicate()`
  runs on every path after the binding.
"""

from __future__ import annotations

from typing import FrozenSet, List, Optional, Sequence, Set

import libcst as cst

from ...analysis.flow import Event, EventKind
from ...analysis.scopes import Context
from ...traverse import children

PIPE_STREAMS = ("stdin", "stdout", "stderr")
_CLOSING = ("close", "__exit__", "detach")


def _is_pipe(ctx: Context, expr: cst.CSTNode, depth: int) -> bool:
    if ctx.qualified_name(expr) == "subprocess.PIPE":
        return True
    if isinstance(expr, cst.IfExp):
        return _is_pipe(ctx, expr.body, depth) or _is_pipe(ctx, expr.orelse, depth)
    if isinstance(expr, cst.Name) and depth > 0 and ctx.is_local(expr.value):
        binding = ctx.binding(expr.value)
        while binding is not None:
            if binding.value is not None and binding.value is not expr and _is_pipe(ctx, binding.value, depth - 1):
                return True
            binding = binding.previous
    return False


def piped_streams(ctx: Context, call: cst.Call) -> FrozenSet[str]:
    """The standard streams a Popen call connects to a pipe: `stdout=PIPE`, a local bound to
    PIPE on some path (`pipe = None if debug else PIPE`), or a local dict of keywords passed as
    `**kwargs`."""
    out: Set[str] = set()
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in PIPE_STREAMS:
            if _is_pipe(ctx, arg.value, 3):
                out.add(arg.keyword.value)
        elif arg.star == "**" and isinstance(arg.value, cst.Name):
            binding = ctx.binding(arg.value.value)
            while binding is not None:
                if isinstance(binding.value, cst.Dict):
                    for element in binding.value.elements:
                        key = getattr(element, "key", None)
                        if isinstance(key, cst.SimpleString) and key.evaluated_value in PIPE_STREAMS:
                            if _is_pipe(ctx, element.value, 3):
                                out.add(str(key.evaluated_value))
                binding = binding.previous
    return frozenset(out)


def _streams_handled(body: cst.CSTNode, name: str) -> Set[str]:
    """Streams of `name` (`name.stdout` ...) that the body closes or hands on: any use other
    than calling a reading or writing method on it, iterating it or testing it."""
    out: Set[str] = set()

    def visit(node: cst.CSTNode, parent: Optional[cst.CSTNode], grand: Optional[cst.CSTNode]) -> None:
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == name
            and node.attr.value in PIPE_STREAMS
        ):
            stream = node.attr.value
            if isinstance(parent, cst.Attribute) and parent.value is node:
                if parent.attr.value in _CLOSING:
                    out.add(stream)
                return  # `proc.stdout.readline()`, `proc.stdout.fileno()`: a read
            if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
                return
            if isinstance(parent, (cst.If, cst.While, cst.Comparison, cst.UnaryOperation, cst.BooleanOperation)):
                return
            out.add(stream)  # handed on, stored, returned, entered: someone else's to close
            return
        for child in children(node):
            visit(child, node, parent)

    visit(body, None, None)
    return out


def streams_left_open(body: cst.CSTNode, name: str, bind: Event, span: Sequence[Event], streams: FrozenSet[str]) -> List[str]:
    """The piped `streams` of the process bound to `name` at `bind` that nothing closes:
    `communicate()` on every path after the binding and `with proc:` close them all,
    `proc.stdout.close()` (anywhere in `body`) or handing `proc.stdout` on closes or moves one."""
    for event in span:
        if event.kind == EventKind.METHOD and event.detail == "communicate":
            # on every path after the binding: no branch, loop or handler the binding is not in
            extra = [f for f in event.frames if f not in bind.frames]
            if all(kind in ("try", "with") and arm in ("body", "finally") for kind, _, arm in extra):
                return []
    return sorted(streams - _streams_handled(body, name), key=PIPE_STREAMS.index)
