"""Compatibility module: the traversal context now lives in `leaklint.analysis.scopes`.

Kept so that rule packs written against `leaklint.context` (and code that imports `Context`,
`Scope`, `LOCAL`, `dotted_name`, `target_names`) keep working unchanged.
"""

from .analysis.scopes import (  # noqa: F401
    LOCAL,
    Binding,
    Context,
    Scope,
    all_params,
    context_visitors,
    dotted_name,
    binding_scope,
    is_function_local,
    is_module_variable,
    param_names,
    resolve,
    target_names,
)
