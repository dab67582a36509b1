"""`CallNames`: the qualified name of every call in the file, resolved where the call stands.

`ctx.call_name(call)` resolves the callee through the imports and bindings that reach the call,
so it must be asked while the traversal is at the call. The flow walker and the class facts
are run later, over a whole function or class (`leave_FunctionDef`, `leave_Module`), and take
the answers as a mapping id(Call) -> qualified name ("builtins.open", "contextlib.closing");
a call whose callee does not resolve has no entry. Declared by LL401 and LL403
(`requires = (CallNames,)`, read as `self.fact(CallNames).names`), collected once per file
whichever of them runs.
"""

from __future__ import annotations

from typing import Dict

import libcst as cst

from .facts import Fact
from .scopes import Context


class CallNames(Fact):
    """id(Call) -> the call's qualified name, for every call whose callee resolves."""

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.names: Dict[int, str] = {}

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.context.call_name(node)
        if qualified is not None:
            self.names[id(node)] = qualified
