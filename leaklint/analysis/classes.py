"""Class facts: what the methods of a class do with the attributes of `self`, and which classes
of the module a class shares its attributes with.

One question, asked of a whole class rather than of one function body: "does some method of
this class release `self.<attr>`?" (closes it, enters it in a `with`, returns or yields it,
hands it to an owner, moves it into a container or another attribute, or releases a local it
was copied to). The flow walker (`analysis.flow`) answers "what happens to this value" inside
one body; `released_attrs` answers it across the methods of a class, and is the one place that
does. Used by LL401 (a resource stored on `self`, a class that keeps what its constructor is
given) through `analysis.borrow` as well.

- `ModuleClasses`: the declared fact (LL401, LL404) of the file's classes by name, and for
  each whether `outside_base_may_release`;
- `self_names(cls)`: "self" and the first parameter of every method;
- `released_attrs(cls, callnames, keep=None)`: the attributes released by the methods of `cls`
  (only the methods `keep(name)` accepts, when given), "*" when the class reaches its
  attributes dynamically (`getattr(self, name)`, `vars(self)`, `self.__dict__`);
- `defines(cls, name)`: whether the class body defines a method `name` (`__del__`);
- `module_family(cls, classes)`: the classes of the module related to `cls` by inheritance;
- `outside_base_may_release(ctx, cls)`: a base from another module, not known to leave its
  subclasses' attributes alone (`knowledge.resources.NON_RELEASING_BASES`);
- `family_releases(cls, attr, classes, outside, callnames, cache)`: whether a class of the
  family of `cls` (or a base from another module) may release `self.<attr>`;
- `close_on_error_gap_in(cls, self_name, attr)`: a method of `cls` that closes the elements of
  `self.<attr>` (a close-on-error list) only in an except handler whose `try` leaves out a
  later call on the object it guards (`flow.close_on_error_gap`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Dict, Iterable, List, Mapping, MutableMapping, Optional, Set, Tuple

import libcst as cst

from ..knowledge.resources import CONSUMERS, HANDOFF_FUNCTIONS, HANDOFF_METHODS, NON_RELEASING_BASES, RELEASE_ALL
from ..policy import is_injected_double
from ..traverse import children
from .expr import dotted_name, first_param
from .facts import Fact
from .flow import close_on_error_gap, closeish
from .scopes import Context

DYNAMIC = "*"


def self_names(cls: cst.ClassDef) -> Set[str]:
    """"self" and the name of the first parameter of every method of `cls`."""
    names = {"self"}
    for statement in cls.body.body:
        if isinstance(statement, cst.FunctionDef):
            name = first_param(statement)
            if name:
                names.add(name)
    return names


def defines(cls: cst.ClassDef, name: str) -> bool:
    """Whether the body of `cls` defines a method called `name`."""
    return any(isinstance(item, cst.FunctionDef) and item.name.value == name for item in cls.body.body)


def _wrapped_in_place(statement: cst.CSTNode, call: cst.CSTNode, attr: str, names: Set[str]) -> bool:
    """`self.<attr> = Wrapper(self.<attr>, ...)`: the call's result goes back into the attribute
    it was handed, so the attribute still holds the resource (now through its wrapper) and
    handing it to the call released nothing."""
    if not isinstance(statement, cst.Assign) or statement.value is not call:
        return False
    return any(
        isinstance(t.target, cst.Attribute)
        and isinstance(t.target.value, cst.Name)
        and t.target.value.value in names
        and t.target.attr.value == attr
        for t in statement.targets
    )


def _hands_off(call: cst.Call, callnames: Mapping[int, str]) -> bool:
    """A call that takes over what it is given: `contextlib.closing(x)`, `stack.enter_context(x)`,
    a function named like a release (`close_quietly(x)`)."""
    qn = callnames.get(id(call))
    func = call.func
    method = func.attr.value if isinstance(func, cst.Attribute) else None
    fname = (qn or dotted_name(func) or "").rsplit(".", 1)[-1]
    return qn in HANDOFF_FUNCTIONS or method in HANDOFF_METHODS or closeish(fname)


def released_attrs(
    cls: cst.ClassDef, callnames: Mapping[int, str], keep: Optional[Callable[[str], bool]] = None
) -> Set[str]:
    """Attributes of `self` that some method of `cls` releases, hands over or gives away;
    {"*"} when the class reaches its attributes dynamically (getattr, vars, __dict__).
    `callnames`: id(Call) -> qualified name. `keep`: judge only the methods whose name it
    accepts (the class's other statements are always judged)."""
    if keep is not None:
        cls = cls.with_changes(
            body=cls.body.with_changes(
                body=[item for item in cls.body.body if not isinstance(item, cst.FunctionDef) or keep(item.name.value)]
            )
        )
    names = self_names(cls)
    released: Set[str] = set()
    aliases: Dict[str, Set[str]] = defaultdict(set)
    released_locals: Set[str] = set()
    stack: List[cst.CSTNode] = []

    def on_attribute(node: cst.Attribute) -> None:
        parent = stack[-1] if stack else None
        attr = node.attr.value
        if isinstance(parent, cst.Attribute) and parent.value is node:
            if parent.attr.value in RELEASE_ALL:
                released.add(attr)
            grand = stack[-2] if len(stack) >= 2 else None
            if isinstance(grand, cst.AssignTarget) and grand.target is parent and is_injected_double(parent.attr.value):
                released.add(attr)  # `self.conn.sock = FakeSocket()`: a test double
            return
        current: cst.CSTNode = node
        j = len(stack) - 1
        contained = False
        while j >= 0 and isinstance(stack[j], (cst.Element, cst.Tuple, cst.List, cst.Set, cst.StarredElement)):
            contained = True
            current = stack[j]
            j -= 1
        parent = stack[j] if j >= 0 else None
        if isinstance(parent, (cst.WithItem, cst.Return, cst.Yield)):
            released.add(attr)
        elif isinstance(parent, cst.For) and parent.iter is current and contained:
            released.add(attr)
        elif isinstance(parent, cst.Arg) and j >= 1 and isinstance(stack[j - 1], cst.Call):
            call = stack[j - 1]
            qn = callnames.get(id(call))
            if _hands_off(call, callnames):
                released.add(attr)
            elif qn is not None and (qn in CONSUMERS or qn.startswith("builtins.")):
                pass
            elif j >= 2 and _wrapped_in_place(stack[j - 2], call, attr, names):
                pass  # `self.src = TextIOWrapper(self.src)`: the attribute still holds it, wrapped
            elif not contained and call.args and call.args[0] is parent:
                released.add(attr)
        elif isinstance(parent, cst.Assign) and parent.value is current:
            for target in parent.targets:
                t = target.target
                if contained and not isinstance(t, (cst.Tuple, cst.List)):
                    released.add(attr)  # put in a container (`self.conns = [self.sock]`)
                elif isinstance(t, cst.Name) and not contained:
                    aliases[t.value].add(attr)
                elif isinstance(t, (cst.Tuple, cst.List)) and isinstance(parent.value, (cst.Tuple, cst.List)):
                    for te, ve in zip(t.elements, parent.value.elements):
                        if ve.value is node and isinstance(te.value, cst.Name):
                            aliases[te.value.value].add(attr)
                elif not isinstance(t, cst.Name):
                    released.add(attr)  # moved to another attribute or a container

    def on_local(node: cst.Name) -> None:
        parent = stack[-1] if stack else None
        if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value in RELEASE_ALL:
            released_locals.add(node.value)
        elif isinstance(parent, cst.WithItem) and parent.item is node:
            released_locals.add(node.value)
        elif isinstance(parent, cst.Arg) and len(stack) >= 2 and isinstance(stack[-2], cst.Call):
            if _hands_off(stack[-2], callnames):
                released_locals.add(node.value)

    def dynamic(call: cst.Call) -> bool:
        qn = callnames.get(id(call))
        if qn not in ("builtins.getattr", "builtins.vars") or not call.args:
            return False
        first = call.args[0].value
        if not isinstance(first, cst.Name) or first.value not in names:
            return False
        return qn == "builtins.vars" or len(call.args) < 2 or not isinstance(call.args[1].value, cst.SimpleString)

    def walk(node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value in names:
            on_attribute(node)
            if node.attr.value == "__dict__":
                return True
        elif isinstance(node, cst.Name):
            on_local(node)
        elif isinstance(node, cst.Call) and dynamic(node):
            return True
        stack.append(node)
        try:
            return any(walk(child) for child in children(node))
        finally:
            stack.pop()

    if walk(cls.body):
        return {DYNAMIC}
    for local, attrs in aliases.items():
        if local in released_locals:
            released |= attrs
    return released


def module_family(cls: cst.ClassDef, classes: Mapping[str, Iterable[cst.ClassDef]]) -> List[cst.ClassDef]:
    """The connected component of `cls` in the module's inheritance graph: its ancestors, its
    descendants, and the other bases of its descendants (mixins that close what a sibling
    opened). `classes`: the module's classes by name (a base is matched by its last name)."""

    def bases(node: cst.ClassDef) -> List[cst.ClassDef]:
        out = []
        for arg in node.bases:
            name = dotted_name(arg.value).rsplit(".", 1)[-1]
            out.extend(c for c in classes.get(name, ()) if c is not node)
        return out

    family: List[cst.ClassDef] = [cls]
    changed = True
    while changed:
        changed = False
        for group in classes.values():
            for other in group:
                if other in family:
                    for base in bases(other):
                        if base not in family:
                            family.append(base)
                            changed = True
                elif any(b in family for b in bases(other)):
                    family.append(other)
                    changed = True
    return family


def outside_base_may_release(ctx: Context, cls: cst.ClassDef) -> bool:
    """Whether `cls` (being visited: the scope is the one around it) has a base from another
    module that may release its attributes: any base but a class of this module and those
    known not to (`object`, `TestCase`, `Thread` ...)."""
    for arg in cls.bases:
        text = dotted_name(arg.value)
        qualified = ctx.qualified_name(arg.value)
        if qualified is None and "." not in text and ctx.lookup(text) == "":
            continue  # a class of this module
        if (qualified or text) not in NON_RELEASING_BASES:
            return True
    return False


def family_releases(
    cls: cst.ClassDef,
    attr: str,
    classes: Mapping[str, Iterable[cst.ClassDef]],
    outside: Mapping[int, bool],
    callnames: Mapping[int, str],
    cache: MutableMapping[int, Set[str]],
) -> bool:
    """Whether `self.<attr>` of `cls` may be released: some class of its `module_family`
    releases it (or reaches its attributes dynamically), or one of them has a base from
    another module that may (`outside`: id(ClassDef) -> `outside_base_may_release`).
    `cache`: id(ClassDef) -> `released_attrs`, shared across the questions of one module."""
    family = module_family(cls, classes)
    if any(outside.get(id(member)) for member in family):
        return True
    for member in family:
        if id(member) not in cache:
            cache[id(member)] = released_attrs(member, callnames)
        if attr in cache[id(member)] or DYNAMIC in cache[id(member)]:
            return True
    return False


def close_on_error_gap_in(
    cls: cst.ClassDef, self_name: str, attr: str
) -> Optional[Tuple[cst.FunctionDef, str, cst.Call]]:
    """A method of `cls` that closes the resources gathered in `self.<attr>` only in an except
    handler, with a call after that try on an object the try body works with (`parser.finalize()`
    after a try around `parser.write()`): (the method, the receiver, the late call). None when
    there is none or some method also closes them outside a handler. `self_name`: the name of
    `self` in the method asking, beside the first parameter of every method."""
    methods = [item for item in cls.body.body if isinstance(item, cst.FunctionDef)]
    owners = {self_name} | {first for first in map(first_param, methods) if first}

    def holder(node: cst.CSTNode) -> bool:
        return (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value in owners
            and node.attr.value == attr
        )

    gap = None
    for method in methods:
        found, elsewhere = close_on_error_gap(method, holder)
        if elsewhere:
            return None
        if found is not None and gap is None:
            gap = (method, *found)
    return gap


class ModuleClasses(Fact):
    """The classes of the file (at any depth) by name, in source order (`by_name`), and for
    each whether a base from another module may release its attributes (`outside`:
    id(ClassDef) -> `outside_base_may_release`, asked where the class stands)."""

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.by_name: Dict[str, List[cst.ClassDef]] = {}
        self.outside: Dict[int, bool] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.by_name.setdefault(node.name.value, []).append(node)
        self.outside[id(node)] = outside_base_may_release(self.context, node)
