"""Ownership across a call: which parameters a function only borrows.

A function *borrows* a parameter when its body only reads it: calls its methods (none of them a
release or `__enter__`), reads or sets its attributes, iterates it, tests or compares it, or
hands it to a builtin that keeps nothing (`len`, `isinstance`, `getattr` ...). It never returns
or yields it, stores it, passes it to another call, re-binds it, releases it, or lets a nested
function or lambda see it. A resource handed to a borrower is still owned by the caller: the
call is a use, not an ownership move (`self._load_data(fp)` reading a file its caller opened;
a generator that iterates the file it is given and never closes it).

Everything here is judged from the callee's own body, resolved by the caller within one module
(a module-level function called by its plain name, a method of the same class called on
`self`). A subclass overriding the method is not seen.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple

import libcst as cst

from ..knowledge.resources import DATA_ATTRIBUTES, RELEASE_ALL
from ..traverse import all_children
from .classes import DYNAMIC, defines, released_attrs
from .expr import first_param
from .flow import closeish

# builtins that read an argument and keep nothing of it
_READING_BUILTINS = frozenset(
    {"len", "isinstance", "hasattr", "getattr", "id", "type", "callable", "repr", "str", "bool", "issubclass", "print"}
)


def _param_names(func: cst.FunctionDef) -> List[str]:
    params = func.params
    return [p.name.value for p in (*params.posonly_params, *params.params)]


def _is_release_name(name: str) -> bool:
    return name in RELEASE_ALL or name in ("__enter__", "__aenter__") or closeish(name)


def _reads_only(name: str, body: cst.CSTNode, skip: FrozenSet[int] = frozenset()) -> bool:
    """Whether every occurrence of `name` under `body` (outside the nodes in `skip`) is a read
    that keeps nothing."""
    ok = True

    def visit(node: cst.CSTNode, stack: List[cst.CSTNode]) -> None:
        nonlocal ok
        if not ok or id(node) in skip:
            return
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            if _mentions(name, node):
                ok = False
            return
        if isinstance(node, (cst.Global, cst.Nonlocal)):
            if any(n.name.value == name for n in node.names):
                ok = False
            return
        if isinstance(node, cst.Name) and node.value == name:
            if not _read_use(node, stack):
                ok = False
            return
        stack.append(node)
        for child in all_children(node):
            visit(child, stack)
        stack.pop()

    visit(body, [])
    return ok


def _mentions(name: str, node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Name):
        return node.value == name
    return any(_mentions(name, child) for child in all_children(node))


def _read_use(node: cst.Name, stack: Sequence[cst.CSTNode]) -> bool:
    if not stack:
        return False
    parent = stack[-1]
    grand = stack[-2] if len(stack) >= 2 else None
    if isinstance(parent, cst.Attribute):
        if parent.value is not node:
            return True  # `x.name`: the attribute, not our name
        attr = parent.attr.value
        if isinstance(grand, cst.Call) and grand.func is parent:
            return not _is_release_name(attr)
        if _is_release_name(attr):
            return False  # `fp.close` taken as a value: released or handed to a releaser
        if isinstance(grand, cst.Arg) and attr not in DATA_ATTRIBUTES:
            return False  # a bound method handed on keeps the object
        return True  # `fp.name`, `fp.mode = ...`
    if isinstance(parent, cst.Arg) and parent.keyword is node:
        return True
    if isinstance(parent, cst.Arg) and parent.value is node and isinstance(grand, cst.Call):
        func = grand.func
        return isinstance(func, cst.Name) and func.value in _READING_BUILTINS
    if isinstance(parent, (cst.Comparison, cst.ComparisonTarget, cst.UnaryOperation, cst.BooleanOperation)):
        return True
    if isinstance(parent, (cst.If, cst.While, cst.Assert)) and getattr(parent, "test", None) is node:
        return True
    if isinstance(parent, cst.IfExp) and parent.test is node:
        return True
    if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
        return True
    if isinstance(parent, cst.Subscript) and parent.value is node:
        return True
    return False


def borrowed_params(func: cst.FunctionDef) -> FrozenSet[str]:
    """The parameters (positional or keyword, not `*args` / `**kwargs`) that `func` borrows."""
    return frozenset(name for name in _param_names(func) if _reads_only(name, func.body))


class Borrowers:
    """Borrow facts for the functions of one module, keyed by how a caller names them.

    `functions`: module-level functions by name; `methods`: id(ClassDef) -> method name -> def.
    Facts are computed on first use and kept."""

    def __init__(self) -> None:
        self.functions: Dict[str, cst.FunctionDef] = {}
        self.methods: Dict[int, Dict[str, cst.FunctionDef]] = {}
        self.classes: Dict[str, cst.ClassDef] = {}
        self._cache: Dict[int, FrozenSet[str]] = {}
        self._raises: Dict[Tuple[str, int], bool] = {}

    def add_module(self, module: cst.Module) -> None:
        for statement in module.body:
            if isinstance(statement, cst.FunctionDef):
                self.functions[statement.name.value] = statement
            elif isinstance(statement, cst.ClassDef):
                self.classes[statement.name.value] = statement
                methods = self.methods.setdefault(id(statement), {})
                for item in statement.body.body:
                    if isinstance(item, cst.FunctionDef):
                        methods[item.name.value] = item

    def _borrowed(self, func: cst.FunctionDef) -> FrozenSet[str]:
        key = id(func)
        if key not in self._cache:
            self._cache[key] = borrowed_params(func)
        return self._cache[key]

    def callee(self, call: cst.Call, self_name: Optional[str], cls: Optional[cst.ClassDef]) -> Optional[cst.FunctionDef]:
        """The function a call reaches within the module: `name(...)` for a module-level def,
        `self.name(...)` for a method of the caller's class."""
        func = call.func
        if isinstance(func, cst.Name):
            return self.functions.get(func.value)
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and self_name is not None
            and func.value.value == self_name
            and cls is not None
        ):
            return self.methods.get(id(cls), {}).get(func.attr.value)
        return None

    def lends(
        self,
        call: cst.Call,
        arg: cst.Arg,
        func: cst.FunctionDef,
        self_name: Optional[str],
        cls: Optional[cst.ClassDef],
        callnames: Mapping[int, str],
    ) -> Optional[str]:
        """Whether a call in `func` (a function of the module, a method of `cls` when given)
        leaves what `arg` passes in the caller's hands: "borrowed" when the callee only reads
        it; "kept unclosed" when it constructs a class of the module whose `__init__` keeps it
        on `self` (see `kept_attributes`), that no method releases (`classes.released_attrs`)
        and that has no `__del__`; "kept cached" when only an ordinary method (not `close()` /
        `__exit__` ..., see `lifecycle_method`) releases it and the new object goes into a
        class- or module-level cache (`cached_in_shared_holder`): nothing ends the object's
        use, so the resource stays open until that method happens to run. None otherwise
        (the callee may own it)."""
        if self.borrows(call, arg, self_name, cls):
            return "borrowed"
        cls_name = None
        if cls is not None and any(
            isinstance(d.decorator, cst.Name) and d.decorator.value == "classmethod" for d in func.decorators
        ):
            cls_name = first_param(func)
        klass = self.constructed_class(call, cls, cls_name)
        if klass is None:
            return None
        attrs = self.kept_attributes(klass, call, arg)
        if not attrs:
            return None
        released = released_attrs(klass, callnames)
        if DYNAMIC in released:
            return None
        if attrs & released:
            if attrs & released_attrs(klass, callnames, keep=lifecycle_method):
                return None
            return "kept cached" if cached_in_shared_holder(func, call, cls_name) else None
        return None if defines(klass, "__del__") else "kept unclosed"

    def constructed_class(self, call: cst.Call, cls: Optional[cst.ClassDef], cls_name: Optional[str]) -> Optional[cst.ClassDef]:
        """The class of the module a call constructs: `Name(...)` for a module-level class,
        `cls(...)` inside a classmethod of it."""
        func = call.func
        if not isinstance(func, cst.Name):
            return None
        if cls is not None and cls_name is not None and func.value == cls_name:
            return cls
        return self.classes.get(func.value)

    def kept_attributes(self, klass: cst.ClassDef, call: cst.Call, arg: cst.Arg) -> FrozenSet[str]:
        """The attributes of `self` that `klass.__init__` stores the argument in, when it does
        nothing else with it than reading it (and the class has no bases, so nothing
        inherited can release it); empty otherwise."""
        if any(not (isinstance(b.value, cst.Name) and b.value.value == "object") for b in klass.bases):
            return frozenset()
        init = self.methods.get(id(klass), {}).get("__init__")
        if init is None or init.decorators or arg.star:
            return frozenset()
        params = _param_names(init)
        if arg.keyword is not None:
            name = arg.keyword.value
        else:
            positional = [a for a in call.args if a.keyword is None]
            if any(a.star for a in positional[: positional.index(arg) + 1]):
                return frozenset()
            index = positional.index(arg) + 1
            if index >= len(params):
                return frozenset()
            name = params[index]
        if name not in params or not params:
            return frozenset()
        self_name = params[0]
        attrs: List[str] = []
        stores: List[cst.Assign] = []
        for statement in init.body.body if isinstance(init.body, cst.IndentedBlock) else ():
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if (
                        isinstance(small, cst.Assign)
                        and isinstance(small.value, cst.Name)
                        and small.value.value == name
                        and len(small.targets) == 1
                        and isinstance(small.targets[0].target, cst.Attribute)
                        and isinstance(small.targets[0].target.value, cst.Name)
                        and small.targets[0].target.value.value == self_name
                    ):
                        attrs.append(small.targets[0].target.attr.value)
                        stores.append(small)
        if not attrs:
            return frozenset()
        if not _reads_only(name, init.body, frozenset(id(store) for store in stores)):
            return frozenset()
        return frozenset(attrs)

    def callee_raises(self, call: cst.Call, self_name: Optional[str], cls: Optional[cst.ClassDef]) -> bool:
        """Whether the function a call reaches within the module (see `callee`) raises on some
        path of its own: a `raise` statement in its body outside any `try` and nested
        definition (`self._check()` that raises when the child process already failed)."""
        func = self.callee(call, self_name, cls)
        if func is None:
            return False
        key = ("raises", id(func))
        if key not in self._raises:
            self._raises[key] = _raises_uncaught(func.body)
        return self._raises[key]

    def borrows(self, call: cst.Call, arg: cst.Arg, self_name: Optional[str], cls: Optional[cst.ClassDef]) -> bool:
        """Whether the callee only borrows what `arg` passes."""
        func = self.callee(call, self_name, cls)
        if func is None or arg.star:
            return False
        if any(isinstance(d.decorator, (cst.Call, cst.Attribute, cst.Name)) and not _harmless_decorator(d) for d in func.decorators):
            return False  # a decorator may change what the call does with its arguments
        borrowed = self._borrowed(func)
        if arg.keyword is not None:
            return arg.keyword.value in borrowed
        positional = [a for a in call.args if a.keyword is None]
        if any(a.star for a in positional[: positional.index(arg) + 1]):
            return False
        params = _param_names(func)
        static = any(_harmless_decorator(d) for d in func.decorators)
        offset = 1 if isinstance(call.func, cst.Attribute) and not static else 0  # `self.m(x)`: x is the second
        index = positional.index(arg) + offset
        return index < len(params) and params[index] in borrowed


def _raises_uncaught(node: cst.CSTNode) -> bool:
    """A `raise` statement under `node` that no `try` around it may catch (nested functions,
    classes and lambdas excluded; a bare `raise` re-raises only inside a handler, so it is not
    counted)."""
    if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Try, cst.TryStar)):
        return False
    if isinstance(node, cst.Raise):
        return node.exc is not None
    return any(_raises_uncaught(child) for child in all_children(node))


def _harmless_decorator(decorator: cst.Decorator) -> bool:
    node = decorator.decorator
    return isinstance(node, cst.Name) and node.value in ("staticmethod",)


LIFECYCLE_METHODS = frozenset({"__exit__", "__aexit__", "__del__"})


def lifecycle_method(name: str) -> bool:
    """A method that ends an object's use: `close()`, `__exit__`, `shutdown()`, `cleanup()`,
    `release()` ... (what a holder of the object is expected to call), as opposed to an ordinary
    method (`parse()`, `tokenize()`) that may or may not run."""
    return name in LIFECYCLE_METHODS or name in RELEASE_ALL or closeish(name)


def cached_in_shared_holder(func: cst.FunctionDef, value: cst.CSTNode, cls_name: Optional[str]) -> bool:
    """Whether the result of `value` (a call in `func`, stored as it is or bound to a plain name
    by an assignment) is put by `func` into a container that outlives the call and every caller: a subscript or
    an `append` / `add` / `setdefault` on a class attribute (`cls.cache[key] = obj`,
    `Analyzer.cache[key] = obj`) or on a module-level name the function does not bind. Such a
    holder lives as long as the class or module, in practice the process."""
    name: Optional[str] = None
    local: set = set(_param_names(func))
    holders: List[Tuple[cst.CSTNode, cst.CSTNode]] = []  # (container expression, stored value)

    def visit(node: cst.CSTNode) -> None:
        nonlocal name
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)) and node is not func:
            return
        if isinstance(node, cst.Assign):
            for target in node.targets:
                t = target.target
                if isinstance(t, cst.Name):
                    local.add(t.value)
                    if node.value is value:
                        name = t.value
                elif isinstance(t, cst.Subscript):
                    holders.append((t.value, node.value))
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign)) and isinstance(node.target, cst.Name):
            local.add(node.target.value)
        elif isinstance(node, (cst.For, cst.CompFor)):
            if isinstance(node.target, cst.Name):
                local.add(node.target.value)
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in ("append", "add", "setdefault", "insert")
            and node.args
        ):
            holders.append((node.func.value, node.args[-1].value))
        for child in all_children(node):
            visit(child)

    visit(func.body)
    for container, stored in holders:
        if stored is not value and not (name is not None and isinstance(stored, cst.Name) and stored.value == name):
            continue
        if isinstance(container, cst.Attribute) and isinstance(container.value, cst.Name):
            owner = container.value.value
            if cls_name is not None and owner == cls_name:
                return True  # `cls.cache[key] = obj` in a classmethod
            if owner[:1].isupper() and owner not in local:
                return True  # `Analyzer.cache[key] = obj`
        elif isinstance(container, cst.Name) and container.value not in local:
            return True  # a module-level dict or list
    return False
