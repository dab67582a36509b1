"""Code of one file that runs only while modules and classes are being defined.

`ImportTime` is a declared fact (`requires = (ImportTime,)`). It answers, from the file alone
(the project-wide lifetime model, `lifetime.multiplicity`, answers across files), whether the
code of a scope runs at import time rather than per call:

- `runs_at_import(scope)`: inside `__init_subclass__` / `__set_name__` (once per class
  definition), a metaclass's `__new__` / `__init__` / `__prepare__`, or a module-level function
  that only module-level code calls (`called_only_at_import`);
- `called_only_at_import(name)`: a module-level function that is only ever called from
  module-level code, or from functions that are, and is private or deleted once the module is
  set up (`del _setup`);
- `decorator_shaped(function)`: every `return` hands back a parameter as given (`def
  register(fn): ...; return fn`), or a nested def that does (a decorator factory);
- `wrapper_decorator(function)`: one positional parameter, returns a nested def (a decorator
  that returns a wrapper: its own body runs once per decorated definition);
- `params(function)`: the parameter names of a def seen in the file.

Who asks: LL101 (unbounded-module-container), which leaves registries filled at import alone.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ..matchers import class_bases
from .expr import param_names
from .facts import Fact
from .scopes import Context, Scope

METACLASS_BASES = frozenset({"builtins.type", "abc.ABCMeta", "enum.EnumMeta", "enum.EnumType"})
# methods that Python runs once per class definition, not per call
CLASS_CREATION_METHODS = frozenset({"__init_subclass__", "__set_name__"})
METACLASS_CREATION_METHODS = frozenset({"__new__", "__init__", "__prepare__"})


def module_level_function(scope: Optional[Scope]) -> Optional[str]:
    """Name of the module-level function whose body contains `scope`, if any."""
    found = None
    while scope is not None:
        if scope.kind == "function" and scope.parent is not None and scope.parent.kind == "module":
            found = scope.name
        scope = scope.parent
    return found


class ImportTime(Fact):
    """Which functions of the file run only at import time (see the module docstring)."""

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self._params: Dict[int, Set[str]] = {}  # id(def) -> parameter names
        self._returns: Dict[int, Set[str]] = {}  # id(def) -> names returned ("" for anything else)
        self._nested: Dict[Tuple[int, str], cst.FunctionDef] = {}  # (id(outer def), name) -> the def inside it
        self._metaclasses: Set[int] = set()
        self._call_funcs: Set[int] = set()
        self._skip_names: Set[int] = set()
        # module-level function name -> how it is referenced: "module" (called at import time),
        # "fn:<name>" (called from module-level function <name>), "del", "other"
        self._refs: Dict[str, List[str]] = {}
        self._module_funcs: Set[str] = set()
        self._module_dels: Set[str] = set()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = class_bases(self.context, node)
        if any(b in METACLASS_BASES or b.split(".")[-1].endswith("Meta") for b in bases):
            self._metaclasses.add(id(node))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = self.context.scope
        if scope.is_function:
            self._nested[(id(scope.node), node.name.value)] = node
        elif scope.kind == "module":
            self._module_funcs.add(node.name.value)
        self._params[id(node)] = set(param_names(node.params))
        self._returns[id(node)] = set()
        self._skip_names.add(id(node.name))

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name):
            self._call_funcs.add(id(node.func))

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) in self._skip_names:
            self._skip_names.discard(id(node))
            return
        if id(node) in self._call_funcs:
            self._call_funcs.discard(id(node))
            if node.value.startswith("__"):
                return
            outer = module_level_function(self.context.scope)
            if outer is None:
                where = "module" if self.context.at_module_level else "other"
            else:
                where = "fn:" + outer
            self._refs.setdefault(node.value, []).append(where)
        else:
            self._refs.setdefault(node.value, []).append("other")

    def visit_Del(self, node: cst.Del) -> None:
        if self.context.scope.kind != "module":
            return
        targets = node.target.elements if isinstance(node.target, (cst.Tuple, cst.List)) else [node.target]
        for target in targets:
            value = target.value if isinstance(target, cst.Element) else target
            if isinstance(value, cst.Name):
                self._module_dels.add(value.value)
                self._skip_names.add(id(value))  # a `del` is not a use
                self._refs.setdefault(value.value, []).append("del")

    def visit_Return(self, node: cst.Return) -> None:
        scope = self.context.function_scope
        if scope is None or node.value is None:
            return
        returns = self._returns.get(id(scope.node))
        if returns is not None:
            # a returned expression that is not a plain name is recorded as "" (never a
            # parameter): a function that also returns something it computed is no decorator
            returns.add(node.value.value if isinstance(node.value, cst.Name) else "")

    # ------------------------------------------------------------------ queries
    def params(self, node: cst.CSTNode) -> Set[str]:
        return self._params.get(id(node), set())

    def decorator_shaped(self, node: cst.CSTNode, depth: int = 0) -> bool:
        """Returns one of its parameters (a decorator), or returns a nested def that does (a
        decorator factory)."""
        returns = self._returns.get(id(node))
        if returns is None or depth > 3:
            return False
        if returns and returns <= self._params[id(node)]:
            return True  # every return hands back a parameter as given: `def register(fn): ...; return fn`
        for name in returns:
            nested = self._nested.get((id(node), name))
            if nested is not None and self.decorator_shaped(nested, depth + 1):
                return True
        return False

    def wrapper_decorator(self, node: cst.CSTNode) -> bool:
        """A decorator that returns a wrapper: one positional parameter, returns a nested def.
        Its own body runs once per decorated definition (its wrapper's body is another scope)."""
        returns = self._returns.get(id(node))
        if returns is None or not isinstance(node, cst.FunctionDef):
            return False
        params = node.params
        positional = [*params.posonly_params, *params.params]
        if len(positional) != 1 or isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None:
            return False
        return any((id(node), name) in self._nested for name in returns)

    def called_only_at_import(self, name: str, depth: int = 0) -> bool:
        """A module-level function that is only ever called from module-level code (or from
        functions that are), and is private or deleted once the module is set up."""
        if depth > 5 or name not in self._module_funcs:
            return False
        if not (name.startswith("_") or name in self._module_dels):
            return False
        called = False
        for where in self._refs.get(name, []):
            if where == "module":
                called = True
            elif where == "del":
                continue
            elif where.startswith("fn:") and where[3:] != name and self.called_only_at_import(where[3:], depth + 1):
                called = True
            else:
                return False
        # a function deleted at module level cannot be called once the module is imported
        return called or name in self._module_dels

    def runs_at_import(self, scope: Optional[Scope]) -> bool:
        """The code of `scope` runs once per class definition (`__init_subclass__`, a
        metaclass's `__new__`) or in a module-level function only import-time code calls."""
        current = scope
        while current is not None:
            if current.kind == "function" and isinstance(current.node, cst.FunctionDef) and current.parent is not None:
                node = current.node
                if current.parent.kind == "module" and self.called_only_at_import(node.name.value):
                    return True
                if current.parent.kind == "class":
                    name = node.name.value
                    if name in CLASS_CREATION_METHODS:
                        return True
                    if name in METACLASS_CREATION_METHODS and id(current.parent.node) in self._metaclasses:
                        return True
            current = current.parent
        return False
