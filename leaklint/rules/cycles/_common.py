"""Shared machinery of the cycle rules (LL501 strong-back-reference, LL502 del-on-cyclic-object).

`CycleCollector` is an intermediate Rule (no code of its own) that walks classes and methods and
records every place where an instance ends up referencing itself through something it stores:

- "backref":   `child.parent = self` where `child` is also stored on `self` (or `self.x.y = self`);
- "childref":  `self.parent = parent` where the same method also puts `self` into `parent`;
- "ctor":      `self.children.append(Child(self))` where `Child.__init__` stores that argument;
- "bound":     `self.cb = self.method` (a bound method references its instance);
- "closure":   `self.cb = lambda: self.x` or a nested def that uses `self`, stored on `self`;
- "selfref":   `self.me = self`, `self.items.append(self)`;
- "resurrect": `__del__` storing `self` somewhere that outlives the call.

Whole-class facts (which names are plain instance methods, which class has `__del__`, which
constructor stores which argument) are only known at the end of the module, so sites that
depend on them are resolved in `leave_Module` by `resolve_sites()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import dotted_name, root_name
from ...matchers import decorator_names, first_param, is_instance_method, positional
from ...analysis.facts import Fact
from ...rule import Rule
from ...traverse import children

# decorators that leave a def a plain function (so `self.name` is a bound method)
METHOD_PRESERVING = frozenset(
    {
        "abc.abstractmethod", "typing.override", "typing_extensions.override", "?override",
        "?abstractmethod",
    }
)
STORE_METHODS = frozenset({"append", "add", "insert", "appendleft", "extend", "setdefault", "put", "put_nowait"})
PARTIAL = frozenset({"functools.partial", "functools.partialmethod"})


@dataclass
class ClassInfo:
    node: cst.ClassDef
    name: str
    qualname: str
    bases: List[str]
    # plain instance methods (callable as `self.name` -> bound method)
    methods: Set[str] = field(default_factory=set)
    # every name defined in the class body (defs of any kind, assignments)
    body_names: Set[str] = field(default_factory=set)
    # attributes assigned on instances anywhere (`self.x = ...`)
    instance_attrs: Set[str] = field(default_factory=set)
    del_node: Optional[cst.FunctionDef] = None
    # __init__ parameters stored as-is on self: name -> position (0 = first after self)
    has_init: bool = False
    init_params: List[str] = field(default_factory=list)
    init_stored: Set[str] = field(default_factory=set)
    module_level: bool = False


@dataclass
class Site:
    kind: str
    node: cst.CSTNode
    cls: ClassInfo
    detail: str = ""
    # for "bound": the method name to check; for "ctor": (class name, position, keyword)
    method: str = ""
    ctor: Optional[Tuple[str, int, str]] = None


@dataclass
class Frame:
    node: cst.FunctionDef
    cls: Optional[ClassInfo]  # the class this frame's `self` belongs to (also for nested defs)
    self_name: Optional[str]
    own_self: bool  # True for the method itself, False for a def nested in a method
    params: Set[str]
    is_del: bool = False
    held: Set[str] = field(default_factory=set)
    backrefs: List[Tuple[cst.CSTNode, str]] = field(default_factory=list)
    param_stores: List[Tuple[cst.CSTNode, str, str]] = field(default_factory=list)
    params_given_self: Set[str] = field(default_factory=set)
    ctor_locals: Dict[str, List[Tuple[cst.Call, Tuple[str, int, str]]]] = field(default_factory=dict)
    closures: Set[str] = field(default_factory=set)
    uses_self: bool = False


VIEW_METHODS = frozenset({"values", "copy"})  # `self.items.values()` still reaches `self`


def _root_of(expr: cst.BaseExpression) -> Optional[str]:
    return root_name(expr, through_calls=VIEW_METHODS)


def _uses_name(node: cst.CSTNode, name: str) -> bool:
    stack: List[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            if current.value == name:
                return True
            continue
        if isinstance(current, cst.Attribute):
            stack.append(current.value)
            continue
        stack.extend(children(current))
    return False


class CycleSites(Fact):
    """The cycle facts of a file, collected once: classes (bases, methods, `__init__`
    parameters it stores, instance attributes), and the sites where an object stores a bound
    method of itself or hands itself to an object it keeps."""

    def __init__(self, context) -> None:
        super().__init__(context)
        self.classes: List[ClassInfo] = []
        self.class_by_node: Dict[cst.ClassDef, ClassInfo] = {}
        self._class_stack: List[ClassInfo] = []
        self._frames: List[Frame] = []
        self.sites: List[Site] = []

    # ------------------------------------------------------------------ classes and frames
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.context
        bases = []
        for arg in node.bases:
            bases.append(ctx.qualified_name(arg.value) or dotted_name(arg.value))
        qual = f"{ctx.qualname}.{node.name.value}" if ctx.qualname else node.name.value
        info = ClassInfo(node, node.name.value, qual, bases, module_level=ctx.scope.kind == "module")
        self.classes.append(info)
        self.class_by_node[node] = info
        self._class_stack.append(info)
        if self._class_stack[:-1] and ctx.scope.kind == "class":
            self._class_stack[-2].body_names.add(node.name.value)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self._class_stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.context
        params = {p.name.value for p in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params)}
        if ctx.scope.kind == "class" and self._class_stack:
            info = self._class_stack[-1]
            name = node.name.value
            info.body_names.add(name)
            instance = is_instance_method(ctx, node)
            if instance:
                decorators = [d for d, _, _ in decorator_names(ctx, node)]
                if all(d in METHOD_PRESERVING for d in decorators):
                    info.methods.add(name)
                if name == "__del__":
                    info.del_node = node
            self_name = first_param(node) if instance else None
            if name == "__init__" and self_name:
                plist = [p.name.value for p in (*node.params.posonly_params, *node.params.params)]
                info.init_params = plist[1:]
                info.has_init = True
            self._frames.append(Frame(node, info, self_name, True, params - {self_name} if self_name else params, is_del=name == "__del__" and instance))
            return
        parent = self._frames[-1] if self._frames else None
        if parent is not None and parent.self_name and parent.self_name not in params:
            self._frames.append(Frame(node, parent.cls, parent.self_name, False, params))
        else:
            self._frames.append(Frame(node, None, None, False, params))

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self._frames.pop()
        if frame.cls is None or frame.self_name is None:
            return
        if not frame.own_self:
            if frame.uses_self and self._frames:
                self._frames[-1].closures.add(node.name.value)
                self._frames[-1].uses_self = self._frames[-1].uses_self or not self._frames[-1].own_self
            return
        stored_params = {param for _, _, param in frame.param_stores}
        for site_node, name in frame.backrefs:
            if name in frame.held and not (name in stored_params and name in frame.params_given_self):
                self.sites.append(Site("backref", site_node, frame.cls, detail=name))
        for site_node, attr, param in frame.param_stores:
            if param in frame.params_given_self:
                self.sites.append(Site("childref", site_node, frame.cls, detail=f"{frame.self_name}.{attr}", method=param))
        for name, calls in frame.ctor_locals.items():
            if name in frame.held:
                for call, ctor in calls:
                    self.sites.append(Site("ctor", call, frame.cls, detail=ctor[0], ctor=ctor))

    def visit_Name(self, node: cst.Name) -> None:
        if self._frames:
            frame = self._frames[-1]
            if not frame.own_self and frame.self_name and node.value == frame.self_name:
                frame.uses_self = True

    # ------------------------------------------------------------------ helpers
    def _frame(self) -> Optional[Frame]:
        """The current method-ish frame, if `self` is known in it."""
        if not self._frames:
            return None
        frame = self._frames[-1]
        if frame.cls is None or frame.self_name is None or not frame.own_self:
            return None
        return frame

    def _ctor(self, call: cst.Call, self_name: str) -> Optional[Tuple[str, int, str]]:
        """`Child(self)` / `Child(parent=self)` with Child a plain name: (name, position, keyword)."""
        if not isinstance(call.func, cst.Name):
            return None
        index = 0
        for arg in call.args:
            if arg.star:
                return None
            if arg.keyword is not None:
                if isinstance(arg.value, cst.Name) and arg.value.value == self_name:
                    return (call.func.value, -1, arg.keyword.value)
                continue
            if isinstance(arg.value, cst.Name) and arg.value.value == self_name:
                return (call.func.value, index, "")
            index += 1
        return None

    def _stored(self, frame: Frame, value: cst.BaseExpression, at: cst.CSTNode) -> None:
        """`value` becomes reachable from self (assigned to an attribute of self, or put into a
        container held by self)."""
        s = frame.self_name
        assert s is not None and frame.cls is not None
        if isinstance(value, cst.Name):
            if value.value == s:
                self.sites.append(Site("selfref", at, frame.cls, detail=s))
            elif value.value in frame.closures:
                self.sites.append(Site("closure", at, frame.cls, detail=value.value))
            else:
                frame.held.add(value.value)
        elif isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name) and value.value.value == s:
            self.sites.append(Site("bound", at, frame.cls, detail=f"{s}.{value.attr.value}", method=value.attr.value))
        elif isinstance(value, cst.Lambda):
            if _uses_name(value.body, s) and s not in {p.name.value for p in value.params.params}:
                self.sites.append(Site("closure", at, frame.cls, detail="a lambda"))
        elif isinstance(value, cst.Call):
            name = self.context.qualified_name(value.func)
            if name in PARTIAL and value.args:
                self._stored(frame, value.args[0].value, at)
                return
            ctor = self._ctor(value, s)
            if ctor is not None:
                self.sites.append(Site("ctor", value, frame.cls, detail=ctor[0], ctor=ctor))
        elif isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            for element in value.elements:
                if not isinstance(element, cst.StarredElement):
                    self._stored(frame, element.value, at)
        elif isinstance(value, cst.Dict):
            for element in value.elements:
                if isinstance(element, cst.DictElement):
                    self._stored(frame, element.value, at)

    def _assign(self, target: cst.BaseExpression, value: cst.BaseExpression, stmt: cst.CSTNode) -> None:
        frame = self._frame()
        if frame is None:
            return
        s = frame.self_name
        assert s is not None and frame.cls is not None
        if frame.is_del:
            if isinstance(value, cst.Name) and value.value == s and _root_of(target) != s:
                self.sites.append(Site("resurrect", stmt, frame.cls, detail=dotted_name(target) or "a container"))
            return
        root = _root_of(target)
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == s:
            frame.cls.instance_attrs.add(target.attr.value)
            if isinstance(value, cst.Name) and value.value in frame.params:
                frame.param_stores.append((stmt, target.attr.value, value.value))
                if frame.node.name.value == "__init__":
                    frame.cls.init_stored.add(value.value)
            self._stored(frame, value, stmt)
            return
        if isinstance(target, cst.Subscript) and root == s:
            self._stored(frame, value, stmt)
            return
        if isinstance(value, cst.Name) and value.value == s and isinstance(target, cst.Attribute):
            owner = target.value
            if isinstance(owner, cst.Name):
                if owner.value in frame.params:
                    frame.params_given_self.add(owner.value)
                frame.backrefs.append((stmt, owner.value))
            elif root == s:
                self.sites.append(Site("backref", stmt, frame.cls, detail=dotted_name(owner) or "an object it holds"))
            elif root in frame.params:
                frame.params_given_self.add(root)  # type: ignore[arg-type]
            return
        if isinstance(target, cst.Subscript) and isinstance(value, cst.Name) and value.value == s and root in frame.params:
            frame.params_given_self.add(root)  # type: ignore[arg-type]
            return
        if isinstance(target, cst.Name) and isinstance(value, cst.Call):
            ctor = self._ctor(value, s)
            if ctor is not None:
                frame.ctor_locals.setdefault(target.value, []).append((value, ctor))

    # ------------------------------------------------------------------ statements
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assign(target.target, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assign(node.target, node.value, node)

    def visit_For(self, node: cst.For) -> None:
        frame = self._frame()
        if frame is None or not isinstance(node.target, cst.Name):
            return
        if _root_of(node.iter) == frame.self_name:
            frame.held.add(node.target.value)

    def visit_Call(self, node: cst.Call) -> None:
        frame = self._frame()
        if frame is None or not isinstance(node.func, cst.Attribute):
            return
        method = node.func.attr.value
        if method not in STORE_METHODS:
            return
        s = frame.self_name
        assert s is not None and frame.cls is not None
        root = _root_of(node.func.value)
        args = positional(node)
        if not args:
            return
        if method == "insert" and len(args) > 1:
            values = [args[1]]
        elif method == "setdefault" and len(args) > 1:
            values = [args[1]]
        elif method == "extend" and isinstance(args[0], (cst.List, cst.Tuple, cst.Set)):
            values = [e.value for e in args[0].elements if not isinstance(e, cst.StarredElement)]
        elif method == "extend":
            values = []
        else:
            values = [args[0]]
        if frame.is_del:
            if root != s and any(isinstance(v, cst.Name) and v.value == s for v in values):
                self.sites.append(Site("resurrect", node, frame.cls, detail=dotted_name(node.func.value) or "a container"))
            return
        if root == s:
            for value in values:
                self._stored(frame, value, node)
        elif root in frame.params and isinstance(node.func.value, cst.Attribute):
            if any(isinstance(v, cst.Name) and v.value == s for v in values):
                frame.params_given_self.add(root)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ module-level resolution
    def _find_class(self, name: str, near: Optional[ClassInfo] = None) -> Optional[ClassInfo]:
        for info in self.classes:
            if info.name == name and info.module_level:
                return info
        return None

    def _mro(self, info: ClassInfo, seen: Optional[Set[int]] = None) -> List[ClassInfo]:
        seen = seen if seen is not None else set()
        if id(info) in seen:
            return []
        seen.add(id(info))
        out = [info]
        for base in info.bases:
            other = self._find_class(base)
            if other is not None:
                out.extend(self._mro(other, seen))
        return out

    def is_bound_method(self, info: ClassInfo, name: str) -> bool:
        """`self.name` in a method of `info` is a bound method: a plain def in the class (or a
        base defined in this module) and never replaced by an instance attribute."""
        for cls in self._mro(info):
            if name in cls.instance_attrs:
                return False
            if name in cls.methods:
                return True
            if name in cls.body_names:
                return False
        return False

    def has_del(self, info: ClassInfo) -> bool:
        return any(cls.del_node is not None for cls in self._mro(info))

    def resolve_sites(self) -> List[Site]:
        """Sites that hold: bound-method sites whose name is a method, constructor sites whose
        class stores the argument it was given."""
        out = []
        for site in self.sites:
            if site.kind == "bound":
                if not self.is_bound_method(site.cls, site.method):
                    continue
            elif site.kind == "ctor":
                assert site.ctor is not None
                name, position, keyword = site.ctor
                target = self._find_class(name)
                if target is None:
                    continue
                stored = set()
                for cls in self._mro(target):
                    if cls.has_init:
                        stored = cls.init_stored
                        params = cls.init_params
                        break
                else:
                    continue
                param = keyword if position < 0 else (params[position] if position < len(params) else "")
                if param not in stored:
                    continue
            out.append(site)
        return out


class CycleCollector(Rule):
    """Base of the cycle rules (LL501-LL503): reads the `CycleSites` fact, collected
    once per file by the engine; subclasses decide what to report."""

    requires = (CycleSites,)

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self.cycles: CycleSites = self.fact(CycleSites)

    # the fact's state and queries, under the names the rules use
    @property
    def _frames(self) -> List[Frame]:
        return self.cycles._frames

    @property
    def _class_stack(self) -> List[ClassInfo]:
        return self.cycles._class_stack

    def _find_class(self, name: str, near: Optional[ClassInfo] = None) -> Optional[ClassInfo]:
        return self.cycles._find_class(name, near)

    def is_bound_method(self, info: ClassInfo, name: str) -> bool:
        return self.cycles.is_bound_method(info, name)

    def has_del(self, info: ClassInfo) -> bool:
        return self.cycles.has_del(info)

    def resolve_sites(self) -> List[Site]:
        return self.cycles.resolve_sites()
