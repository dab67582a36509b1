"""Fix for LL503: `weakref.ref(obj.method)` dies at once; `weakref.WeakMethod(obj.method)` does not."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ..types import Applicability, Fix
from . import FixContext, fixer, make_fix


@fixer("LL503", safety="""Safe: `weakref.WeakMethod(obj.method)` is what `weakref.ref(obj.method)`
was meant to be; it is called the same way (and takes the same callback) and returns the
bound method while the object lives, instead of a reference that is dead at once. No fix for
`weakref.proxy` (there is no weak proxy to a method) or for weak containers (the fix stores
something else, which needs a decision).""")
def weak_method(call: cst.CSTNode, ctx: FixContext) -> Optional[Fix]:
    if not isinstance(call, cst.Call) or ctx.qualified(call.func) != "weakref.ref":
        return None
    import_edit = None
    if isinstance(call.func, cst.Attribute):
        new_func: cst.BaseExpression = call.func.with_changes(attr=cst.Name("WeakMethod"))
    else:
        module = ctx.local_name_for_module("weakref")
        if module is None:
            import_edit = ctx.import_edit("weakref")
            if import_edit is None:
                return None
            module = "weakref"
        new_func = cst.Attribute(cst.Name(module), cst.Name("WeakMethod"))
    edit = ctx.replace(call, call.with_changes(func=new_func))
    return make_fix("Use weakref.WeakMethod for a bound method", Applicability.SAFE, [import_edit, edit] if import_edit else [edit])
