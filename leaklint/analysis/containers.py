"""Process-lived containers of one file and what its functions do to them.

`ContainerUses` is a declared fact (`requires = (ContainerUses,)`): the containers a module
defines at its top level or as attributes of a class defined at its top level (dicts, lists,
sets, deques without `maxlen`, ... : `knowledge.containers`), and every place a function
touches one of them, classified once:

- growth: `grow_method` (`c.append(x)`, `c.setdefault(k, v)`), `grow_item` (`c[k] = v`),
  `grow_inner` (`c[k].append(v)`: the inner container grows inside the outer one),
  `grow_aug` (`c += [x]`), `grow_func` (`heapq.heappush(c, x)`), `read_item` (`c[k]` on a
  `defaultdict` adds the key);
- bounding: `shrink` (`pop`, `remove`, `clear`, `del c[k]`, `c -= s`, ...), `reset`
  (`c = {}` through `global`, `Cls.c = []`, `c[:] = []`, `del c`), `guard` (`len(c)` compared);
- `lookup` (`k in c`, `c.get(k)`, `c[k]` read): the function reads entries back (a memo);
- `self_assign` (`self.c = ...`): instances replace the class attribute with their own.

Each use keeps its reference (`ref`) and `key_of(use)` resolves it to the definition it
touches (`("mod", name)` or `("cls", id(class node), attr)`), through `global`, a class name,
`self` / `cls` / `type(self)` / `self.__class__`, and a local alias (`cache = _CACHE`, found
in the scope layer's bindings). Uses in module-level code are not recorded: they run once.

Who asks: LL101 (unbounded-module-container) judges which growth is a leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Set, Tuple

import libcst as cst

from ..knowledge.containers import (
    ALL_GROW, CONSTRUCTORS, GROW_FUNCTIONS, GROW_METHODS, KEYED_METHODS, SHRINK_FUNCTIONS, SHRINK_METHODS,
)
from ..matchers import ENUM_BASES, class_bases
from .expr import call_arg, decorator_short_names, first_param, is_closed_key, is_none, is_slice, paired_value, subscript_key
from .facts import Fact
from .scopes import Context, Scope, function_binding_scope, resolves_to_module

# a reference to a container: ("name", name) | ("attr", id(class node), attr, via) | ("cattr", class name, attr)
Ref = Tuple
TASK_FACTORIES = frozenset(
    {"asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task", "asyncio.tasks.ensure_future"}
)


def container_kind(ctx: Context, node: Optional[cst.BaseExpression], scope: Optional[Scope] = None) -> Optional[Tuple[str, str]]:
    """(kind, family) if `node` builds a fresh, growable, strongly-referencing container:
    a literal or comprehension, or a call of a known constructor (`deque` only without maxlen).
    None for anything else (weakref containers, bounded deques, unknown calls)."""
    if isinstance(node, (cst.Dict, cst.DictComp)):
        return ("dict", "dict")
    if isinstance(node, (cst.List, cst.ListComp)):
        return ("list", "list")
    if isinstance(node, (cst.Set, cst.SetComp)):
        return ("set", "set")
    if isinstance(node, cst.Call):
        name = ctx.qualified_name(node.func, scope)
        found = CONSTRUCTORS.get(name or "")
        if found is None:
            return None
        if found[0] == "deque":
            maxlen = call_arg(node, 1, "maxlen")
            if maxlen is not None and not is_none(maxlen.value):
                return None
            if any(a.star for a in node.args):
                return None
        return found
    return None


def is_task_call(ctx: Context, expr: Optional[cst.BaseExpression]) -> bool:
    """`asyncio.create_task(...)`, `asyncio.ensure_future(...)`, `<anything>.create_task(...)`."""
    if not isinstance(expr, cst.Call):
        return False
    if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "create_task":
        return True
    return ctx.qualified_name(expr.func) in TASK_FACTORIES


def enclosing_functions(scope: Optional[Scope]) -> Iterator[Scope]:
    """The function (and lambda) scopes around `scope`, innermost first (class scopes skipped:
    a method's body cannot see the class body)."""
    while scope is not None:
        if scope.is_function:
            yield scope
        scope = scope.parent


def method_of(scope: Optional[Scope]) -> Optional[Scope]:
    """The method (function directly in a class) whose body contains `scope`, through nested
    functions and lambdas."""
    while scope is not None and scope.is_function:
        if scope.kind == "function" and scope.parent is not None and scope.parent.kind == "class":
            return scope
        scope = scope.parent
    return None


@dataclass
class ContainerDef:
    """A container bound at module level (`owner` None) or in a module-level class body."""

    node: cst.CSTNode
    name: str
    kind: str
    family: str
    owner: Optional[cst.ClassDef] = None
    class_name: str = ""

    @property
    def display(self) -> str:
        return self.name if self.owner is None else f"{self.class_name}.{self.name}"


@dataclass
class ContainerUse:
    """One touch of a container in a function. `data`: the key or item (`c[k] = v` -> k,
    `c.append(x)` -> x); `value`: what an item store keeps beside its key; `closed`: the key
    comes from a closed set (literals, constants); `task`: the item is an asyncio task (LL106's
    task sets); `node`: the reference to the container, where a growth is reported."""

    ref: Ref
    what: str
    scope: Scope
    method: str = ""
    data: Optional[cst.BaseExpression] = None
    closed: bool = False
    node: Optional[cst.CSTNode] = None
    value: Optional[cst.BaseExpression] = None
    task: bool = False

    def grows(self, d: ContainerDef) -> bool:
        """Whether this use adds to a container like `d`."""
        return use_grows(d.family, d.kind, self.what, self.method)


def use_grows(family: str, kind: str, what: str, method: Optional[str]) -> bool:
    """Whether a use of a container (`what`: grow_inner, grow_aug, grow_method, grow_func,
    grow_item, read_item) adds to a container of that family / kind."""
    if what in ("grow_inner", "grow_aug"):
        return True
    if what == "grow_method":
        return method in GROW_METHODS[family]
    if what == "grow_func":
        return family in ("list", "deque")
    if what == "grow_item":
        return family == "dict"
    if what == "read_item":
        return kind == "defaultdict"
    return False


def local_alias(name: str, owner: Scope) -> Optional[str]:
    """The name `name` was last made an alias of in function `owner` (`cache = _CACHE`,
    `a, b = X, Y`), read from the scope layer's bindings."""
    for binding in reversed(owner.history(name)):
        node = binding.node
        if binding.kind != "assign" or not isinstance(node, cst.Assign):
            continue
        found = None
        for target in node.targets:
            found = paired_value(target.target, node.value, name) or found
        if isinstance(found, cst.Name):
            return found.value
    return None


class ContainerUses(Fact):
    """The module's process-lived containers (`defs`) and every use of them in functions
    (`uses`); `key_of(use)` says which definition a use touches."""

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.defs: Dict[Tuple, ContainerDef] = {}
        self.uses: List[ContainerUse] = []
        self.classes: Dict[str, cst.ClassDef] = {}  # module-level classes by name
        self._class_info: Dict[int, Tuple[bool, bool]] = {}  # id -> (enum, model-like)
        self._enum_names: Set[str] = set()
        self._stores: Set[int] = set()  # subscripts that are assignment targets
        self._aliases: Dict[Tuple[int, str], Optional[str]] = {}  # memo of `local_alias`, asked once the file is read

    # ------------------------------------------------------------------ definitions
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.context
        bases = class_bases(ctx, node)
        is_enum = any(b in ENUM_BASES or b in self._enum_names for b in bases)
        if is_enum:
            self._enum_names.add(node.name.value)
        model_like = bool(node.decorators) or any(
            b not in ("builtins.object", "object") and not b.startswith("typing.") for b in bases
        )
        self._class_info[id(node)] = (is_enum, model_like)
        if ctx.scope.kind == "module":
            self.classes.setdefault(node.name.value, node)

    def _define(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression], annotated: bool) -> None:
        ctx = self.context
        scope = ctx.scope
        if not isinstance(target, cst.Name) or value is None:
            return
        name = target.value
        if name.startswith("__") and name.endswith("__"):
            return
        found = container_kind(ctx, value)
        if scope.kind == "module":
            key: Tuple = ("mod", name)
            if found is not None and key not in self.defs:
                self.defs[key] = ContainerDef(target, name, found[0], found[1])
        elif scope.kind == "class" and isinstance(scope.node, cst.ClassDef) and ctx.at_module_level:
            # a class defined inside a function is created per call: its attributes die with it
            cls = scope.node
            is_enum, model_like = self._class_info.get(id(cls), (False, False))
            if is_enum or (annotated and model_like):
                return
            key = ("cls", id(cls), name)
            if found is not None and key not in self.defs:
                self.defs[key] = ContainerDef(target, name, found[0], found[1], cls, cls.name.value)

    # ------------------------------------------------------------------ references
    def _ref(self, expr: cst.BaseExpression) -> Optional[Ref]:
        if isinstance(expr, cst.Name):
            return ("name", expr.value)
        if not isinstance(expr, cst.Attribute):
            return None
        attr, base = expr.attr.value, expr.value
        method = method_of(self.context.scope)
        fn = method.node if method is not None and isinstance(method.node, cst.FunctionDef) else None
        cls = method.parent.node if fn is not None else None  # type: ignore[union-attr]
        if isinstance(base, cst.Name):
            if fn is not None and first_param(fn) == base.value:
                decos = decorator_short_names(fn)
                if "staticmethod" not in decos:
                    via = "cls" if "classmethod" in decos or fn.name.value in ("__new__", "__init_subclass__") else "self"
                    return ("attr", id(cls), attr, via)
            return ("cattr", base.value, attr)
        if isinstance(base, cst.Attribute) and base.attr.value == "__class__" and isinstance(base.value, cst.Name):
            if fn is not None and first_param(fn) == base.value.value:
                return ("attr", id(cls), attr, "cls")
        if (
            isinstance(base, cst.Call) and isinstance(base.func, cst.Name) and base.func.value == "type"
            and len(base.args) == 1 and isinstance(base.args[0].value, cst.Name)
        ):
            if fn is not None and first_param(fn) == base.args[0].value.value:
                return ("attr", id(cls), attr, "cls")
        return None

    def _use(self, expr: cst.BaseExpression, what: str, method: str = "", data=None, closed: bool = False) -> Optional[ContainerUse]:
        ref = self._ref(expr)
        if ref is None:
            return None
        use = ContainerUse(ref, what, self.context.scope, method, data, closed, expr)
        self.uses.append(use)
        return use

    def _alias(self, name: str, owner: Scope) -> Optional[str]:
        memo = (id(owner), name)
        if memo not in self._aliases:
            self._aliases[memo] = local_alias(name, owner)
        return self._aliases[memo]

    def key_of(self, use: ContainerUse) -> Optional[Tuple]:
        """The definition (a key of `defs`) `use` touches, None when it touches no container
        of the module (a local, an instance attribute, another module's)."""
        ref = use.ref
        if ref[0] == "name":
            if resolves_to_module(ref[1], use.scope):
                return ("mod", ref[1])
            if use.what == "reset":
                return None  # rebinding the local alias itself
            owner = function_binding_scope(ref[1], use.scope)
            source = self._alias(ref[1], owner) if owner is not None else None
            if source is not None and owner is not None and resolves_to_module(source, owner):
                return ("mod", source)
            return None
        if ref[0] == "attr":
            return ("cls", ref[1], ref[2])
        if ref[0] == "cattr":
            if not resolves_to_module(ref[1], use.scope):
                return None
            cls = self.classes.get(ref[1])
            return ("cls", id(cls), ref[2]) if cls is not None else None
        return None

    def _is_task(self, expr: Optional[cst.BaseExpression]) -> bool:
        ctx = self.context
        if isinstance(expr, cst.Name):
            return any(
                b.kind in ("assign", "annassign") and is_task_call(ctx, getattr(b.node, "value", None))
                for b in ctx.scope.history(expr.value)
            )
        return is_task_call(ctx, expr)

    # ------------------------------------------------------------------ uses
    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.context
        if ctx.function_scope is None:
            return
        func = node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method == "get":
                self._use(func.value, "lookup")
                return
            if method not in ALL_GROW:
                return
            target = func.value
            args = [a for a in node.args if a.keyword is None and not a.star]
            data: Optional[cst.BaseExpression] = args[0].value if args else None
            closed = False
            if method in KEYED_METHODS:
                closed = is_closed_key(data)
            elif method == "update":
                if not node.args or all(a.keyword is not None for a in node.args):
                    closed = True
                elif isinstance(data, cst.Dict) and len(node.args) == 1:
                    closed = all(isinstance(e, cst.DictElement) and is_closed_key(e.key) for e in data.elements)
            elif method == "insert" and len(args) > 1:
                data = args[1].value
            task = method in ("add", "append") and self._is_task(data)
            if isinstance(target, cst.Subscript):
                # d[k].append(v): the inner container grows inside the outer one
                use = self._use(target.value, "grow_inner", method, data, closed and method in KEYED_METHODS)
            else:
                use = self._use(target, "grow_method", method, data, closed)
            if use is not None:
                use.task = task
            return
        name = ctx.qualified_name(func)
        if name in GROW_FUNCTIONS and node.args:
            data = node.args[1].value if len(node.args) > 1 else None
            self._use(node.args[0].value, "grow_func", name or "", data)
        elif name in SHRINK_FUNCTIONS and node.args:
            self._use(node.args[0].value, "shrink")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in SHRINK_METHODS and self.context.function_scope is not None:
            value = node.value
            if isinstance(value, cst.Subscript):
                value = value.value
            self._use(value, "shrink")

    def visit_Comparison(self, node: cst.Comparison) -> None:
        ctx = self.context
        if ctx.function_scope is None:
            return
        for operand in (node.left, *(c.comparator for c in node.comparisons)):
            if isinstance(operand, cst.Call) and len(operand.args) == 1 and ctx.qualified_name(operand.func) == "builtins.len":
                self._use(operand.args[0].value, "guard")
        for comparison in node.comparisons:
            if isinstance(comparison.operator, (cst.In, cst.NotIn)):
                container = comparison.comparator
                while isinstance(container, cst.Subscript):
                    container = container.value  # `k in table[alias]`
                self._use(container, "lookup")

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self.context.function_scope is not None:
            key = subscript_key(node)
            self._use(node.value, "read_item", data=key, closed=is_closed_key(key))
            if id(node) not in self._stores:
                self._use(node.value, "lookup")

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Subscript):
                self._stores.add(id(target.target))
        if self.context.function_scope is not None:
            for target in node.targets:
                self._assigned(target.target, node.value)
        for target in node.targets:
            self._define(target.target, node.value, annotated=False)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and self.context.function_scope is not None:
            self._assigned(node.target, node.value)
        self._define(node.target, node.value, annotated=True)

    def _assigned(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._assigned(element.value, value)
        elif isinstance(target, cst.StarredElement):
            self._assigned(target.value, value)
        elif isinstance(target, cst.Subscript):
            if is_slice(target):
                self._use(target.value, "reset")
                return
            key = subscript_key(target)
            if isinstance(target.value, cst.Subscript):
                self._use(target.value.value, "grow_inner", "__setitem__", value, False)
            use = self._use(target.value, "grow_item", "__setitem__", key, is_closed_key(key))
            if use is not None:
                use.value = value
        elif isinstance(target, cst.Name):
            self._use(target, "reset")
        elif isinstance(target, cst.Attribute):
            ref = self._ref(target)
            if ref is not None:
                what = "self_assign" if ref[0] == "attr" and ref[3] == "self" else "reset"
                self.uses.append(ContainerUse(ref, what, self.context.scope))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        target = node.target
        if isinstance(target, cst.Subscript):
            self._stores.add(id(target))
        if self.context.function_scope is None:
            return
        op = node.operator
        if isinstance(target, cst.Subscript):
            key = subscript_key(target)
            if isinstance(op, (cst.AddAssign, cst.BitOrAssign)) and isinstance(target.value, cst.Subscript):
                self._use(target.value.value, "grow_inner", "__iadd__", node.value)
            self._use(target.value, "grow_item", "__setitem__", key, is_closed_key(key))
        elif isinstance(op, (cst.AddAssign, cst.BitOrAssign)):
            self._use(target, "grow_aug", "__iadd__", node.value)
        elif isinstance(op, (cst.SubtractAssign, cst.BitAndAssign, cst.BitXorAssign)):
            self._use(target, "shrink")

    def visit_Del(self, node: cst.Del) -> None:
        if self.context.function_scope is not None:
            self._deleted(node.target)

    def _deleted(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._deleted(element.value)
        elif isinstance(target, cst.Subscript):
            self._use(target.value, "shrink")
        else:
            self._use(target, "reset")
