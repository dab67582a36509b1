"""Fix for LL106: the missing half of asyncio's task-set pattern, `task.add_done_callback(tasks.discard)`."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ..types import Applicability, Fix
from . import FixContext, dotted, fixer, fresh_name, make_fix


@fixer("LL106", safety="""Safe: after `tasks.add(task)` it adds `task.add_done_callback(tasks.discard)`,
the pattern the asyncio documentation gives; a finished task leaves the set, which only ever
held it to keep it from being collected while it ran. When the task is created inside the
`add(...)` call it is first bound to a new local name. No fix for lists (`append`: removal
by value is not the same thing) or when the set is not a plain name or attribute.""")
def task_set(call: cst.CSTNode, ctx: FixContext) -> Optional[Fix]:
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute) or call.func.attr.value != "add":
        return None
    container = dotted(call.func.value)
    if container is None or len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return None
    expr = ctx.parent(call)
    if not isinstance(expr, cst.Expr):
        return None
    stmt = ctx.parent(expr)
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    block = ctx.block_of(stmt)
    if block is None:
        return None
    arg = call.args[0].value
    new_stmts = []
    if isinstance(arg, cst.Name):
        task = arg.value
        new_stmts.append(stmt)
    else:
        if not isinstance(arg, cst.Call):
            return None
        scope = ctx.function_of(stmt) or ctx.module
        task = fresh_name(scope, ["task"])
        bind = cst.SimpleStatementLine(
            body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(task))], value=arg)], leading_lines=stmt.leading_lines
        )
        new_stmts.append(bind)
        new_stmts.append(stmt.deep_replace(arg, cst.Name(task)).with_changes(leading_lines=()))
    new_stmts.append(cst.parse_statement(f"{task}.add_done_callback({container}.discard)"))
    body = list(block.body)
    i = body.index(stmt)
    new_block = block.with_changes(body=[*body[:i], *new_stmts, *body[i + 1 :]])
    edit = ctx.replace(block, new_block)
    return make_fix(f"Discard the task from `{container}` when it is done", Applicability.SAFE, [edit])
