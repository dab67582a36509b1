"""The project pass: one small summary per file, merged into one index of the whole project.

A rule that judges one file cannot tell code that runs once from code that runs per request, or
see that a container filled here is emptied in another module. The project pass gives it that
view. Every Python file of the project (the nearest directory holding `pyproject.toml`,
`setup.cfg`, `setup.py` or a VCS directory, even when only some files are checked, as pre-commit
does) yields a `FileSummary`:

- its module name and imports (relative ones resolved against the module name);
- its functions and classes: decorators, parameters, bases, methods, and for classes whether they
  define `close` / `__exit__` / `__del__` and which attributes of `self` they set from what;
- its call and instantiation sites, each with the calling function and whether it sits in a loop,
  and the functions it passes along as callbacks;
- its container writes (`add`, `append`, `[k] = v`, `setdefault`, ...) and removals (`pop`,
  `remove`, `discard`, `del`, `clear`, re-binding a global, `cache_clear()`), each on a resolved
  holder, and for writes what drives the key or element (`input` when it comes from parameters
  or per-call data, `code` when it comes from constants and code);
- its registrations (`atexit.register`, `signal.connect`, `addHandler`, ...) and their undo calls;
- the calls its `if __name__ == "__main__":` block makes.

Summaries are made from CPython's `ast`, not libcst: the pass runs over the whole project, files
that are not checked included, and an `ast` parse costs about a tenth of a libcst one. They are
plain data (`to_dict` / `from_dict`), cached by content hash beside the result cache, so a warm
run reads them instead of parsing. `ProjectIndex` merges them; `leaklint.analysis.lifetime`
answers the rules' questions from it.

Names are resolved the simple way the engine's own alias table does it: an imported name to its
import target, a module-level definition to `module.name`, `self.x` in a method to
`module.Class.x`; anything else keeps its dotted text, which the index can still match by suffix.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field, fields
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from ..collector import paused
from .returns import returned_calls

# --------------------------------------------------------------------------- vocabulary

ADD_METHODS = frozenset({"add", "append", "appendleft", "extend", "extendleft", "insert", "update", "setdefault", "put", "put_nowait"})
REMOVE_METHODS = frozenset({"pop", "popleft", "popitem", "remove", "discard", "clear", "cache_clear", "get_nowait", "difference_update", "intersection_update"})
# (register, undo): a registration call and the call that undoes it
REGISTRATION_PAIRS: Tuple[Tuple[str, str], ...] = (
    ("register", "unregister"),
    ("connect", "disconnect"),
    ("addHandler", "removeHandler"),
    ("addFilter", "removeFilter"),
    ("add_listener", "remove_listener"),
    ("addListener", "removeListener"),
    ("add_handler", "remove_handler"),
    ("add_callback", "remove_callback"),
    ("add_done_callback", "remove_done_callback"),
    ("add_observer", "remove_observer"),
    ("subscribe", "unsubscribe"),
    ("on", "off"),
    ("bind", "unbind"),
    ("listen", "remove"),
    ("append", "remove"),
    ("add_signal_handler", "remove_signal_handler"),
    ("add_reader", "remove_reader"),
    ("add_writer", "remove_writer"),
    ("addCleanup", "doCleanups"),
)
REGISTER_METHODS = frozenset(r for r, _ in REGISTRATION_PAIRS if r != "append")
UNDO_METHODS = frozenset(u for _, u in REGISTRATION_PAIRS if u != "remove") | {"remove"}
CLOSE_METHODS = frozenset({"close", "aclose", "__exit__", "__aexit__", "shutdown", "cleanup", "terminate", "release", "dispose", "disconnect"})
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git", ".hg")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env", "__pycache__", "node_modules", "build", "dist", ".mypy_cache", ".pytest_cache", ".leaklint_cache", "site-packages"})
SUMMARY_VERSION = 6


# --------------------------------------------------------------------------- the summary


@dataclass
class FunctionInfo:
    qualname: str  # module-relative: "f", "C.m", "f.<locals>.g" is written "f.g"
    line: int
    params: List[str]
    decorators: List[str]  # resolved dotted names (a call decorator `@app.route("/")` gives "app.route")
    cls: str = ""  # module-relative class qualname for a method, else ""
    is_async: bool = False
    # resolved names of the calls whose fresh result the function returns (analysis.returns)
    returns: List[str] = field(default_factory=list)


@dataclass
class ClassInfo:
    qualname: str
    line: int
    bases: List[str]  # resolved dotted names
    methods: List[str]
    decorators: List[str]
    # attribute of self -> dotted name of the call it was set from ("" when not a call)
    self_attrs: Dict[str, str] = field(default_factory=dict)


@dataclass
class CallSite:
    caller: str  # module-relative qualname of the calling function, "" for module level
    callee: str  # resolved dotted name ("pkg.mod.f", "pkg.mod.C.m" for self.m(), raw text otherwise)
    line: int
    in_loop: bool
    # "call" | "callback": a function named as an argument (passed along to be called later)
    kind: str = "call"
    in_main_block: bool = False
    via: str = ""  # callbacks: the resolved dotted name of the call that receives the function
    binds: str = ""  # `NAME = callee(...)` at module level: NAME (a module-level singleton)
    # the result only lives in the calling frame: `x = C(); x.run()` or `C().run()` (never
    # returned, stored, yielded or passed on): an instance made per call that dies with it
    transient: bool = False


@dataclass
class ContainerOp:
    holder: str  # "pkg.mod.NAME" (module global), "pkg.mod.C.attr" (class or instance attribute)
    holder_kind: str  # "module" | "class" | "instance" | "local"
    op: str  # the method, "[]=" for a subscript store, "del" for `del x[k]`, "rebind" for `X = ...` under `global X`
    scope: str  # module-relative qualname of the function doing it, "" for module level
    line: int
    in_loop: bool
    driver: str = "unknown"  # writes only: "input" | "code" | "unknown"


@dataclass
class Registration:
    target: str  # resolved dotted name of the registry object or function ("atexit", "pkg.mod.signal")
    method: str  # "register", "connect", ...
    registered: str  # dotted text of what was registered ("" when not a name)
    scope: str
    line: int
    in_loop: bool
    undo: bool = False
    in_with: bool = False  # `with registry.connect(...)`: undone on exit


_FIELD_NAMES: Dict[type, Tuple[str, ...]] = {}
_ATOMS = (str, int, float, bool, type(None))


def _as_data(value: Any) -> Any:
    """`dataclasses.asdict` for the summary's plain data: dataclasses become dicts, lists and
    dicts are copied, strings and numbers are kept."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is list:
        return [v if type(v) in _ATOMS else _as_data(v) for v in value]
    if kind is dict:
        return {k: v if type(v) in _ATOMS else _as_data(v) for k, v in value.items()}
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
    return {name: _as_data(getattr(value, name)) for name in names}


@dataclass
class FileSummary:
    path: str
    module: str
    imports: Dict[str, str] = field(default_factory=dict)
    functions: Dict[str, FunctionInfo] = field(default_factory=dict)
    classes: Dict[str, ClassInfo] = field(default_factory=dict)
    calls: List[CallSite] = field(default_factory=list)
    writes: List[ContainerOp] = field(default_factory=list)
    removals: List[ContainerOp] = field(default_factory=list)
    registrations: List[Registration] = field(default_factory=list)
    module_names: List[str] = field(default_factory=list)  # names bound at module level
    error: str = ""  # set when the file could not be summarized (syntax error, unreadable)

    def to_dict(self) -> Dict[str, Any]:
        """What `dataclasses.asdict` gives, without its generic deep copy (which was most of
        what a warm run spent on the project's fingerprint)."""
        return _as_data(self)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "FileSummary":
        return cls(
            path=data["path"],
            module=data["module"],
            imports=dict(data["imports"]),
            functions={k: FunctionInfo(**v) for k, v in data["functions"].items()},
            classes={k: ClassInfo(**v) for k, v in data["classes"].items()},
            calls=[CallSite(**c) for c in data["calls"]],
            writes=[ContainerOp(**c) for c in data["writes"]],
            removals=[ContainerOp(**c) for c in data["removals"]],
            registrations=[Registration(**r) for r in data["registrations"]],
            module_names=list(data["module_names"]),
            error=data.get("error", ""),
        )


# --------------------------------------------------------------------------- module names


def module_name(path: str, root: str) -> str:
    """`src/pkg/mod.py` under `root` -> "pkg.mod"; `pkg/__init__.py` -> "pkg"."""
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root)).replace(os.sep, "/")
    if rel.startswith("../"):
        rel = os.path.basename(path)
    if rel.endswith(".py"):
        rel = rel[:-3]
    parts = [p for p in rel.split("/") if p and p != "."]
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _absolute(module: str, is_package: bool, level: int, name: Optional[str]) -> str:
    if level == 0:
        return name or ""
    base = module.split(".") if module else []
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)] if level - 1 <= len(base) else []
    if name:
        base = base + name.split(".")
    return ".".join(base)


def absolute_name(module: str, is_package: bool, name: str) -> str:
    """A name written relative to `module` (`.sessions.Session`, `..util.x`) made absolute."""
    stripped = name.lstrip(".")
    return _absolute(module, is_package, len(name) - len(stripped), stripped or None)


def dotted(node: ast.AST) -> Optional[str]:
    """`a.b.c` for Name/Attribute chains, the callee's dotted name for a call used as a decorator."""
    parts: List[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _names(node: ast.AST) -> Iterator[str]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            yield sub.id


# --------------------------------------------------------------------------- the summarizer


class _Frame:
    __slots__ = ("qualname", "kind", "params", "cls", "globals", "locals", "self_name", "derived")

    def __init__(self, qualname: str, kind: str, params: Sequence[str] = (), cls: str = "", self_name: str = "") -> None:
        self.qualname = qualname
        self.kind = kind  # "module" | "class" | "function"
        self.params: Set[str] = set(params)
        self.cls = cls
        self.globals: Set[str] = set()
        self.locals: Set[str] = set()
        self.self_name = self_name
        # locals assigned from an expression that uses a parameter (one step of data flow)
        self.derived: Set[str] = set()


# node classes with no node below them that a summarizer handler could see (a name's context,
# operators, constants, ...): skipped by the walk unless the summarizer handles them itself
_LEAVES: Tuple[type, ...] = (
    ast.Name, ast.Constant, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop,
    ast.alias, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal,
)
_HANDLERS: Dict[Tuple[type, type], Any] = {}


def _handler(visitor: type, node: type) -> Any:
    """The function `visitor.visit` runs for a node of class `node`: its `visit_<Class>`
    method, else `generic_visit`, else None where neither could do anything."""
    method = getattr(visitor, "visit_" + node.__name__, None)
    if method is not None and method is not ast.NodeVisitor.__dict__.get("visit_" + node.__name__):
        return method
    if issubclass(node, _LEAVES):
        return None
    return visitor.generic_visit


class Summarizer(ast.NodeVisitor):
    """Walks one module's `ast` once and fills a `FileSummary`."""

    def __init__(self, path: str, module: str, is_package: bool) -> None:
        self.summary = FileSummary(path=path, module=module)
        self.module = module
        self.is_package = is_package
        self.frames: List[_Frame] = [_Frame("", "module")]
        self.loop_depth: List[int] = [0]
        self.in_main_block = False
        self.with_calls: Set[int] = set()  # id() of calls that are `with` items
        self.module_bindings: Dict[int, str] = {}  # id() of calls assigned to a module-level name
        self.transient_calls: Set[int] = set()  # id() of calls whose result only lives in the frame
        # functions and classes defined at module level, known before the walk reaches them: a
        # function body may name a class defined further down the module
        self.toplevel: Set[str] = set()

    # -- the walk: `ast.NodeVisitor`'s order and handlers, without its per-node name formatting
    # and generators, and without descending into nodes no handler could see anything in
    def visit(self, node: ast.AST) -> Any:
        try:
            handler = _HANDLERS[(type(self), type(node))]
        except KeyError:
            handler = _HANDLERS[(type(self), type(node))] = _handler(type(self), type(node))
        if handler is not None:
            handler(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        visit = self.visit
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        visit(item)
            elif isinstance(value, ast.AST):
                visit(value)

    # -- helpers
    @property
    def frame(self) -> _Frame:
        return self.frames[-1]

    @property
    def function_frame(self) -> Optional[_Frame]:
        for f in reversed(self.frames):
            if f.kind == "function":
                return f
        return None

    def _scope(self) -> str:
        f = self.function_frame
        return f.qualname if f is not None else ""

    def _in_loop(self) -> bool:
        return self.loop_depth[-1] > 0

    def _qual(self, name: str) -> str:
        outer = [f.qualname for f in self.frames if f.kind != "module"]
        return f"{outer[-1]}.{name}" if outer else name

    def resolve(self, text: Optional[str]) -> str:
        """A dotted name as written -> its project-wide dotted name, as far as this file shows."""
        if not text:
            return ""
        head, _, rest = text.partition(".")
        fn = self.function_frame
        if fn is not None and fn.self_name and head == fn.self_name and fn.cls:
            return f"{self.module}.{fn.cls}.{rest}" if rest else f"{self.module}.{fn.cls}"
        if fn is not None and (head in fn.params or head in fn.locals) and head not in fn.globals:
            return text  # a local or parameter: nothing project-wide to say
        if head in self.summary.imports:
            target = self.summary.imports[head]
            return f"{target}.{rest}" if rest else target
        if head in self.summary.functions or head in self.summary.classes or head in self.summary.module_names or head in self.toplevel:
            return f"{self.module}.{text}" if self.module else text
        return text

    def _holder(self, node: ast.AST) -> Optional[Tuple[str, str]]:
        """The long-lived (or local) container a write or removal acts on, with its kind."""
        text = dotted(node)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        fn = self.function_frame
        if fn is not None:
            if fn.self_name and head == fn.self_name and fn.cls and rest and "." not in rest:
                return f"{self.module}.{fn.cls}.{rest}", "instance"
            if head in fn.params or (head in fn.locals and head not in fn.globals):
                if head == "cls" and fn.cls and rest and "." not in rest:
                    return f"{self.module}.{fn.cls}.{rest}", "class"
                return text, "local"
        if head in self.summary.imports:
            target = self.summary.imports[head]
            full = f"{target}.{rest}" if rest else target
            return full, "module" if not rest or rest.count(".") == 0 else "class"
        if head in self.summary.classes and rest and "." not in rest:
            return f"{self.module}.{head}.{rest}", "class"
        if not rest:
            if self.frame.kind == "class":
                return f"{self.module}.{self.frame.qualname}.{head}", "class"
            return (f"{self.module}.{head}" if self.module else head), "module"
        return self.resolve(text), "class"

    def _driver(self, exprs: Sequence[Optional[ast.AST]]) -> str:
        """What drives a key or element: "code" when every leaf is a constant, a module-level
        constant name, an enum-like attribute or a literal; "input" when a parameter (or a local
        computed from one) or per-call data feeds it; "unknown" otherwise."""
        fn = self.function_frame
        if fn is None:
            return "code"  # import-time code: bounded by the program text
        seen_unknown = False
        for expr in exprs:
            if expr is None:
                continue
            for sub in ast.walk(expr):
                if isinstance(sub, ast.Name):
                    if sub.id in fn.params or sub.id in fn.derived:
                        if sub.id not in (fn.self_name, "cls"):
                            return "input"
                    elif sub.id in fn.locals:
                        seen_unknown = True
                elif isinstance(sub, ast.Call):
                    callee = dotted(sub.func) or ""
                    if callee.rsplit(".", 1)[-1] in ("time", "monotonic", "uuid4", "uuid1", "now", "utcnow", "id", "random", "randint", "perf_counter", "getpid", "get_ident", "current_thread", "current_task"):
                        return "input"
        return "unknown" if seen_unknown else "code"

    # -- imports and definitions
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.summary.imports[alias.asname] = alias.name
            else:
                head = alias.name.split(".")[0]
                self.summary.imports[head] = head
        self._bind_names(a.asname or a.name.split(".")[0] for a in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = _absolute(self.module, self.is_package, node.level or 0, node.module)
        for alias in node.names:
            if alias.name == "*":
                continue
            self.summary.imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
        self._bind_names(a.asname or a.name for a in node.names if a.name != "*")

    def _bind_names(self, names: Iterable[str]) -> None:
        fn = self.function_frame
        for name in names:
            if fn is not None and self.frame is fn:
                if name not in fn.globals:
                    fn.locals.add(name)
            elif self.frame.kind == "module":
                self.summary.module_names.append(name)

    def _decorators(self, decorators: Sequence[ast.expr]) -> List[str]:
        out = []
        for d in decorators:
            target = d.func if isinstance(d, ast.Call) else d
            out.append(self.resolve(dotted(target)) or "?")
        return out

    def visit_FunctionDef(self, node: Any) -> None:
        qual = self._qual(node.name)
        cls = self.frame.qualname if self.frame.kind == "class" else ""
        args = node.args
        params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
        if args.vararg:
            params.append(args.vararg.arg)
        if args.kwarg:
            params.append(args.kwarg.arg)
        decorators = self._decorators(node.decorator_list)
        self.summary.functions[qual] = FunctionInfo(
            qualname=qual, line=node.lineno, params=params, decorators=decorators, cls=cls,
            is_async=isinstance(node, ast.AsyncFunctionDef),
        )
        if cls:
            self.summary.classes[cls].methods.append(node.name)
        for d in node.decorator_list:
            self.visit(d)
        for default in args.defaults + [d for d in args.kw_defaults if d is not None]:
            self.visit(default)
        self._bind_names([node.name])
        is_static = any(x.endswith("staticmethod") for x in decorators)
        self_name = params[0] if cls and params and not is_static else ""
        frame = _Frame(qual, "function", params, cls=cls, self_name=self_name)
        self.frames.append(frame)
        self.loop_depth.append(0)
        saved_main = self.in_main_block
        self.in_main_block = False
        # locals first, so that reads before the binding statement resolve as locals too
        declared, stored, transient = _function_names(node)
        frame.globals.update(declared)
        frame.locals.update(stored - frame.globals)
        self.transient_calls.update(transient)
        self.summary.functions[qual].returns = returned_calls(
            node, decorators, dotted, self.resolve, f"{self.module}.{cls}" if self.module and cls else cls
        )
        for stmt in node.body:
            self.visit(stmt)
        self.in_main_block = saved_main
        self.loop_depth.pop()
        self.frames.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        qual = self._qual(node.name)
        bases = [self.resolve(dotted(b)) or "?" for b in node.bases]
        self.summary.classes[qual] = ClassInfo(
            qualname=qual, line=node.lineno, bases=bases, methods=[], decorators=self._decorators(node.decorator_list),
        )
        for d in node.decorator_list + node.bases:
            self.visit(d)
        self._bind_names([node.name])
        self.frames.append(_Frame(qual, "class"))
        for stmt in node.body:
            self.visit(stmt)
        self.frames.pop()

    def visit_Global(self, node: ast.Global) -> None:
        fn = self.function_frame
        if fn is not None:
            fn.globals.update(node.names)

    # -- loops and the main block
    def _loop(self, node: ast.AST, body_fields: Sequence[str]) -> None:
        for name, value in ast.iter_fields(node):
            if name in body_fields:
                continue
            if isinstance(value, ast.AST):
                self.visit(value)
        self.loop_depth[-1] += 1
        for name in body_fields:
            for stmt in getattr(node, name):
                self.visit(stmt)
        self.loop_depth[-1] -= 1

    def visit_For(self, node: ast.For) -> None:
        fn = self.function_frame
        if fn is not None and self._driver([node.iter]) == "input":
            for target in _names(node.target):
                fn.derived.add(target)
        self._loop(node, ("body",))
        for stmt in node.orelse:
            self.visit(stmt)

    visit_AsyncFor = visit_For

    def visit_While(self, node: ast.While) -> None:
        self._loop(node, ("body",))
        for stmt in node.orelse:
            self.visit(stmt)

    def visit_If(self, node: ast.If) -> None:
        if self.frame.kind == "module" and _is_main_test(node.test):
            saved = self.in_main_block
            self.in_main_block = True
            self.generic_visit(node)
            self.in_main_block = saved
            return
        self.generic_visit(node)

    def visit_With(self, node: Any) -> None:
        for item in node.items:
            if isinstance(item.context_expr, ast.Call):
                self.with_calls.add(id(item.context_expr))
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    # -- assignments: derived data, self attributes, rebinding globals, subscript stores
    def visit_Assign(self, node: ast.Assign) -> None:
        self._assigned(node.targets, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._assigned([node.target], node.value)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        target = node.target
        if isinstance(target, (ast.Name, ast.Attribute)):
            holder = self._holder(target)
            if holder and holder[1] != "local" and isinstance(node.op, ast.Add) and isinstance(node.value, (ast.List, ast.Tuple, ast.ListComp, ast.Name, ast.Call, ast.Attribute)):
                self._op(self.summary.writes, holder, "+=", node, driver=self._driver([node.value]))
        self.generic_visit(node)

    def _assigned(self, targets: Sequence[ast.expr], value: ast.expr) -> None:
        fn = self.function_frame
        if self.frame.kind == "module" and isinstance(value, ast.Call) and len(targets) == 1 and isinstance(targets[0], ast.Name):
            self.module_bindings[id(value)] = targets[0].id
        for target in targets:
            if isinstance(target, ast.Subscript):
                holder = self._holder(target.value)
                if holder:
                    self._op(self.summary.writes, holder, "[]=", target, driver=self._driver([target.slice]))
            elif isinstance(target, ast.Name):
                if fn is not None and target.id in fn.globals:
                    holder = (f"{self.module}.{target.id}" if self.module else target.id, "module")
                    self._op(self.summary.removals, holder, "rebind", target)
                elif fn is not None and self._driver([value]) == "input":
                    fn.derived.add(target.id)
                elif self.frame.kind == "module":
                    self.summary.module_names.append(target.id)
            elif isinstance(target, ast.Attribute) and fn is not None and fn.cls:
                text = dotted(target)
                if text and fn.self_name and text == f"{fn.self_name}.{target.attr}":
                    source = self.resolve(dotted(value.func)) if isinstance(value, ast.Call) else ""
                    attrs = self.summary.classes[fn.cls].self_attrs
                    if target.attr not in attrs or source:
                        attrs[target.attr] = source or ""
                    # a re-assignment outside __init__ replaces (evicts) what the attribute held
                    if fn.qualname.rsplit(".", 1)[-1] != "__init__":
                        self._op(self.summary.removals, (f"{self.module}.{fn.cls}.{target.attr}", "instance"), "rebind", target)
            elif isinstance(target, (ast.Tuple, ast.List)):
                self._assigned(target.elts, value)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if isinstance(target, ast.Subscript):
                holder = self._holder(target.value)
                if holder:
                    self._op(self.summary.removals, holder, "del", target)
        self.generic_visit(node)

    def _op(self, into: List[ContainerOp], holder: Tuple[str, str], op: str, node: ast.AST, driver: str = "unknown") -> None:
        into.append(ContainerOp(
            holder=holder[0], holder_kind=holder[1], op=op, scope=self._scope(),
            line=getattr(node, "lineno", 0), in_loop=self._in_loop(), driver=driver,
        ))

    # -- calls
    def visit_Call(self, node: ast.Call) -> None:
        func_text = dotted(node.func)
        caller = self._scope()
        if func_text is None and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Call):
            # `Audit(...).run(files)`: a method of an object made on the spot (a class of the
            # project when the model finds one by that name; nothing otherwise)
            made = self.resolve(dotted(node.func.value.func))
            if made:
                self.summary.calls.append(CallSite(
                    caller, f"{made}.{node.func.attr}", node.lineno, self._in_loop(), "call", self.in_main_block,
                ))
        if func_text is not None:
            callee = self.resolve(func_text)
            self.summary.calls.append(CallSite(
                caller, callee, node.lineno, self._in_loop(), "call", self.in_main_block,
                binds=self.module_bindings.get(id(node), ""), transient=id(node) in self.transient_calls,
            ))
            if isinstance(node.func, ast.Attribute):
                self._method_call(node, node.func)
        for arg in list(node.args) + [k.value for k in node.keywords]:
            text = dotted(arg)
            if text is not None and not isinstance(arg, ast.Call):
                resolved = self.resolve(text)
                if resolved != text or "." in text or text in self.summary.functions:
                    via = self.resolve(func_text) if func_text else ""
                    self.summary.calls.append(CallSite(caller, resolved, node.lineno, self._in_loop(), "callback", self.in_main_block, via))
        self.generic_visit(node)

    def _method_call(self, node: ast.Call, func: ast.Attribute) -> None:
        method = func.attr
        if method in ADD_METHODS or method in REMOVE_METHODS:
            holder = self._holder(func.value)
            if holder is not None:
                if method in ADD_METHODS:
                    args: List[Optional[ast.AST]] = list(node.args) + [k.value for k in node.keywords]
                    if method == "setdefault":
                        args = args[:1]
                    self._op(self.summary.writes, holder, method, node, driver=self._driver(args))
                else:
                    self._op(self.summary.removals, holder, method, node)
        if method in REGISTER_METHODS or method in UNDO_METHODS:
            target = self.resolve(dotted(func.value)) if dotted(func.value) else ""
            registered = ""
            if node.args:
                registered = self.resolve(dotted(node.args[-1] if method in ("connect", "register", "add_done_callback") else node.args[0])) or ""
            self.summary.registrations.append(Registration(
                target=target, method=method, registered=registered, scope=self._scope(), line=node.lineno,
                in_loop=self._in_loop(), undo=method in UNDO_METHODS and method not in REGISTER_METHODS,
                in_with=id(node) in self.with_calls,
            ))


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _function_names(fn: ast.AST) -> Tuple[Set[str], Set[str], Set[int]]:
    """(names declared `global` / `nonlocal` anywhere inside `fn`, nested definitions included;
    names `fn`'s own body stores to; id() of the calls in `fn` whose result lives only in its
    frame), in one walk of the function.

    "Own" nodes are the body's statements and, below them, every node that is not reached
    through a nested function, lambda or class; a definition that is itself a statement of the
    body counts as own, and so does what sits directly in it.

    A call's result lives only in the frame for `C().m()` (a receiver used once), or for
    `x = C()` where `x` is bound once and every other use of it is `x.attr` (methods called on
    it, attributes read): never returned, yielded, stored, passed on or aliased."""
    declared: Set[str] = set()
    stored: Set[str] = set()
    transient: Set[int] = set()
    bound: Dict[str, List[ast.Call]] = defaultdict(list)
    stores: Dict[str, int] = defaultdict(int)
    receivers: Set[int] = set()  # id() of Name loads used as `x.attr`
    loads: Dict[str, List[ast.Name]] = defaultdict(list)
    Name, Store, Load, Global, Nonlocal, AST = ast.Name, ast.Store, ast.Load, ast.Global, ast.Nonlocal, ast.AST
    Attribute, Assign, Call = ast.Attribute, ast.Assign, ast.Call
    # (node, own): everything under `fn` is searched for declarations, own nodes also for stores
    stack: List[Tuple[ast.AST, bool]] = []
    for name in fn._fields:
        value = getattr(fn, name, None)
        own = name == "body"
        if isinstance(value, list):
            stack.extend((item, own) for item in value if isinstance(item, AST))
        elif isinstance(value, AST):
            stack.append((value, False))
    while stack:
        node, own = stack.pop()
        kind = type(node)
        if kind is Name:
            if own:
                ctx = type(node.ctx)
                if ctx is Store:
                    stored.add(node.id)
                    stores[node.id] += 1
                elif ctx is Load:
                    loads[node.id].append(node)
                else:
                    stores[node.id] += 2  # `del x`: treat as rebinding
            continue
        if kind is Global or kind is Nonlocal:
            declared.update(node.names)  # type: ignore[attr-defined]
            continue
        if own:
            if kind is Attribute:
                value = node.value  # type: ignore[attr-defined]
                if type(value) is Call and type(node.ctx) is Load:  # type: ignore[attr-defined]
                    transient.add(id(value))  # `C().m()`: nothing keeps the instance
                elif type(value) is Name:
                    receivers.add(id(value))
            elif kind is Assign:
                targets = node.targets  # type: ignore[attr-defined]
                if len(targets) == 1 and type(targets[0]) is Name and type(node.value) is Call:  # type: ignore[attr-defined]
                    bound[targets[0].id].append(node.value)  # type: ignore[attr-defined]
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        stack.append((item, own and not isinstance(item, _SCOPES)))
            elif isinstance(value, AST):
                stack.append((value, own and not isinstance(value, _SCOPES)))
    for name, calls in bound.items():
        if name in declared or stores[name] != 1 or len(calls) != 1:
            continue
        if all(id(load) in receivers for load in loads.get(name, ())):
            transient.add(id(calls[0]))
    return declared, stored, transient


def _is_main_test(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.comparators) != 1:
        return False
    sides = [test.left, test.comparators[0]]
    names = {s.id for s in sides if isinstance(s, ast.Name)}
    consts = {s.value for s in sides if isinstance(s, ast.Constant)}
    return "__name__" in names and "__main__" in consts


def summarize_source(source: str, path: str, module: str) -> FileSummary:
    """The summary of one file's source; a file that does not parse gets an empty summary with
    `error` set (the lint pass reports it as LL000)."""
    with paused():  # leaklint.collector: no collections while one file's tree is built and read
        return _summarize_source(source, path, module)


def _summarize_source(source: str, path: str, module: str) -> FileSummary:
    is_package = os.path.basename(path) == "__init__.py"
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return FileSummary(path=path, module=module, error=f"{type(exc).__name__}: {exc}")
    summarizer = Summarizer(path, module, is_package)
    summarizer.toplevel = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    try:
        summarizer.visit(tree)
    except RecursionError as exc:
        return FileSummary(path=path, module=module, error=f"RecursionError: {exc}")
    return summarizer.summary


# --------------------------------------------------------------------------- the project


def has_project_marker(directory: str) -> bool:
    """Whether `directory` holds a project marker (`pyproject.toml`, `setup.cfg`, `setup.py`, a
    VCS directory)."""
    return any(os.path.exists(os.path.join(directory, marker)) for marker in PROJECT_MARKERS)


def find_project_root(path: str) -> str:
    """The nearest directory at or above `path` holding a project marker; `path`'s own directory
    when there is none."""
    start = os.path.abspath(path)
    here = start if os.path.isdir(start) else os.path.dirname(start)
    probe = here
    while True:
        if has_project_marker(probe):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return here
        probe = parent


def project_files(root: str, limit: int = 20000, discovered: bool = False, recursive: bool = True) -> List[str]:
    """Every `.py` file under `root`, skipping virtual environments, caches and build output, in
    a stable order; at most `limit` files (a project larger than that is summarized in part).
    Not `recursive`: only the `.py` files directly in `root` (the siblings of a loose script).

    A `discovered` root (the nearest project marker above the checked paths) is walked as the
    CLI walks a directory by default: the default excludes and the `.gitignore` files apply, so
    a downloaded corpus or a build tree the project ignores is not read as part of it."""
    if not recursive:
        try:
            names = sorted(os.listdir(root))
        except OSError:
            return []
        return [os.path.join(root, n) for n in names if n.endswith(".py") and os.path.isfile(os.path.join(root, n))][:limit]
    if discovered:
        try:
            from ..config import Config
            from ..files import iter_python_files

            # the default walk (default excludes, .gitignore files), not the project's own
            # configuration: reading that here would load and check it before the cache is
            # consulted, which a warm run must not do
            config = Config()
            found = []
            for path in iter_python_files([root], config):
                if path.endswith(".py") and os.path.isfile(path):
                    found.append(path)
                    if len(found) >= limit:
                        break
            return found
        except (OSError, RecursionError, ValueError):
            pass  # fall back to the plain walk below
    out: List[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(".py"):
                out.append(os.path.join(dirpath, name))
                if len(out) >= limit:
                    return out
    return out


_ENVELOPE = {"version", "key", "checksum", "summary"}


class SummaryCache:
    """Summaries on disk by content hash: `<dir>/summaries/<sha256 of version, module, source>.json`."""

    def __init__(self, directory: Optional[str]) -> None:
        self.directory = os.path.join(directory, "summaries") if directory else None
        # (path, module, key) of every summary asked for, whether read or made
        self.asked: List[Tuple[str, str, str]] = []

    def digest_key(self, salt: str) -> str:
        """The identity of the summaries asked for so far (their paths, modules and contents)
        under `salt` (the code that computes the digest)."""
        h = hashlib.sha256(f"{SUMMARY_VERSION}\0{salt}\0".encode("utf-8", "surrogatepass"))
        for entry in sorted(self.asked):
            h.update("\0".join(entry).encode("utf-8", "surrogatepass"))
            h.update(b"\1")
        return h.hexdigest()

    def get_digest(self, key: str) -> Optional[str]:
        """The project digest (`ProjectIndex.fingerprint`) stored for `key`, if any."""
        if not self.directory:
            return None
        try:
            with open(os.path.join(self.directory, "digests", key[:2], key), encoding="ascii") as fh:
                text = fh.read(200)
        except (OSError, ValueError):
            return None
        digest, _, check = text.partition(" ")
        # the digest and its checksum under this key: an edited or truncated entry is a miss
        if len(digest) == 64 and all(c in "0123456789abcdef" for c in digest) and check == self._checksum(key, digest):
            return digest
        return None

    def put_digest(self, key: str, digest: str) -> None:
        if not self.directory:
            return
        path = os.path.join(self.directory, "digests", key[:2], key)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="ascii") as fh:
                fh.write(f"{digest} {self._checksum(key, digest)}")
            os.replace(tmp, path)
        except OSError:
            pass

    def _path(self, key: str) -> Optional[str]:
        return os.path.join(self.directory, key[:2], key + ".json") if self.directory else None

    @staticmethod
    def key(module: str, data: bytes) -> str:
        h = hashlib.sha256()
        h.update(f"{SUMMARY_VERSION}\0{module}\0".encode())
        h.update(data)
        return h.hexdigest()

    @staticmethod
    def _checksum(key: str, payload: str) -> str:
        return hashlib.sha256(f"{SUMMARY_VERSION}\0{key}\0{payload}".encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key: str) -> Optional[FileSummary]:
        """The summary stored under `key`, validated: its envelope names this summary version and
        this key, and its checksum covers the summary as stored. Anything else (missing, of any
        shape or depth, edited, from another version) is a miss and is rewritten."""
        path = self._path(key)
        if path is None:
            return None
        try:
            with open(path, encoding="utf-8") as fh:
                entry = json.load(fh)
            # exactly the envelope this version writes: an unknown key is an entry of another
            # schema, a miss like any other
            if not isinstance(entry, dict) or set(entry) != _ENVELOPE or entry["version"] != SUMMARY_VERSION or entry["key"] != key:
                return None
            payload = entry.get("summary")
            if not isinstance(payload, str) or entry.get("checksum") != self._checksum(key, payload):
                return None
            return FileSummary.from_dict(json.loads(payload))
        except (OSError, ValueError, KeyError, TypeError, RecursionError, MemoryError, AttributeError):
            return None  # missing or unusable (any shape, any depth): a miss, rewritten below

    def put(self, key: str, summary: FileSummary) -> None:
        path = self._path(key)
        if path is None:
            return
        payload = json.dumps(summary.to_dict(), sort_keys=True)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump({"version": SUMMARY_VERSION, "key": key, "checksum": self._checksum(key, payload), "summary": payload}, fh)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written is no cache, not an error


# the summary of a file larger than this is empty (the lint pass reports such a file as LL000
# under its own `max-file-size`); the default matches the configuration's
SUMMARY_MAX_BYTES = 4 * 1024 * 1024


def summarize_file(path: str, root: str, cache: Optional[SummaryCache] = None) -> FileSummary:
    """One file's summary. Only a regular file is read, and at most SUMMARY_MAX_BYTES of it (the
    engine's own reader: a FIFO named `x.py` in the tree must not block the project pass, nor a
    link to /dev/zero fill the memory)."""
    summary = _summarize_file(path, root, cache, False)
    assert summary is not None
    return summary


def _summarize_file(path: str, root: str, cache: Optional[SummaryCache], cached_only: bool) -> Optional[FileSummary]:
    """`summarize_file`; with `cached_only`, None instead of summarizing a file the cache
    does not hold."""
    from ..fsutil import SourceError, read_bytes

    module = module_name(path, root)
    try:
        data = read_bytes(path, SUMMARY_MAX_BYTES)
    except SourceError as exc:
        return FileSummary(path=path, module=module, error=f"not read: {exc}")
    key = SummaryCache.key(module, data) if cache else ""
    if cache:
        hit = cache.get(key)
        if hit is None and cached_only:
            return None
        cache.asked.append((os.path.abspath(path), module, key))
        if hit is not None:
            hit.path = path
            return hit
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError:
        source = data.decode("latin-1")
    summary = summarize_source(source, path, module)
    if cache:
        cache.put(key, summary)
    return summary


# fewer files than this are summarized in the calling process even when jobs > 1: starting
# workers costs more than they would save
PARALLEL_MIN_FILES = 64
_pool_cache: Optional[SummaryCache] = None


def _pool_init(cache: Optional[SummaryCache]) -> None:
    global _pool_cache
    _pool_cache = cache


def _pool_summarize(item: Tuple[str, str]) -> Tuple[FileSummary, Optional[Tuple[str, str, str]]]:
    cache = _pool_cache
    if cache is not None:
        cache.asked = []
    summary = summarize_file(item[0], item[1], cache)
    return summary, (cache.asked[0] if cache is not None and cache.asked else None)


def _summarize_all(todo: Sequence[Tuple[str, str]], cache: Optional[SummaryCache], jobs: int) -> List[FileSummary]:
    """The summaries of `todo` ((file, root) pairs), in order: in this process, or with
    `jobs` > 1 in that many forked workers (the same summaries, in the same order)."""
    import multiprocessing

    if jobs <= 1 or len(todo) < PARALLEL_MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
        return [summarize_file(f, r, cache) for f, r in todo]
    out: List[Optional[FileSummary]] = [None] * len(todo)
    misses = list(range(len(todo)))
    if cache is not None:  # what the cache holds is read here: only parsing is worth a worker
        misses = []
        for i, (f, r) in enumerate(todo):
            out[i] = _summarize_file(f, r, cache, True)
            if out[i] is None:
                misses.append(i)
    if len(misses) >= PARALLEL_MIN_FILES:
        try:
            context = multiprocessing.get_context("fork")
            with context.Pool(jobs, initializer=_pool_init, initargs=(cache,)) as pool:
                made = pool.map(_pool_summarize, [todo[i] for i in misses], chunksize=max(1, len(misses) // (jobs * 16)))
        except OSError:
            pass  # no processes to be had: in this process below
        else:
            for i, (summary, asked) in zip(misses, made):
                out[i] = summary
                if cache is not None and asked is not None:
                    cache.asked.append(asked)
            misses = []
    for i in misses:
        out[i] = summarize_file(todo[i][0], todo[i][1], cache)
    return [summary for summary in out if summary is not None]


def build_index(
    paths: Sequence[str],
    root: Optional[str] = None,
    cache_dir: Optional[str] = None,
    digest_salt: str = "",
    jobs: int = 1,
) -> "ProjectIndex":
    """Summarize every file of the project(s) that hold `paths` (all of each project, not only
    `paths`) and merge the summaries. Without `root`, each path's project is the nearest
    directory with a project marker (`find_project_root`); paths from several projects give one
    index of all of them, each file named relative to its own root. A file with no project
    marker above it (a loose script in a home or download directory) is a project of the `.py`
    files beside it, not of every file under its directory: checking one script in a large
    unmarked tree must not summarize the whole tree. A directory checked with no marker is its
    own project, walked as the CLI walks it.

    With `cache_dir` and `digest_salt` (what identifies the code computing the digest), the
    index's `fingerprint()` is also kept in the cache, under the identity of every summarized
    file's path, module and content: an unchanged project's digest is read, not recomputed.
    With `jobs` > 1 the files are summarized in that many worker processes."""
    from .lifetime import ProjectIndex

    cache = SummaryCache(cache_dir) if cache_dir else None
    roots: List[str] = []
    shallow: Set[str] = set()  # unmarked roots reached from files only: their own .py files
    deep: Set[str] = set()
    if root is not None:
        roots = [root]
    else:
        by_directory: Dict[str, str] = {}  # the files of one directory share their project root
        for p in paths or [os.getcwd()]:
            if os.path.isfile(p):
                directory = os.path.dirname(os.path.abspath(p))
                r = by_directory.get(directory) or by_directory.setdefault(directory, find_project_root(p))
                if r == directory and not has_project_marker(r):
                    shallow.add(r)
                else:
                    deep.add(r)
            else:
                r = find_project_root(p)
                deep.add(r)
            if r not in roots:
                roots.append(r)
    todo: List[Tuple[str, str]] = []  # (file, its project root)
    seen: Set[str] = set()
    for r in roots:
        for f in project_files(r, discovered=root is None, recursive=r in deep or r not in shallow):
            full = os.path.abspath(f)
            if full not in seen:
                seen.add(full)
                todo.append((f, r))
    for p in paths:
        full = os.path.abspath(p)
        if os.path.isfile(p) and p.endswith(".py") and full not in seen:
            seen.add(full)
            todo.append((p, find_project_root(p) if root is None else root))
    summaries = _summarize_all(todo, cache, jobs)
    index = ProjectIndex(summaries)
    if cache is not None and digest_salt and len(cache.asked) == len(summaries):
        index.digest_store = (cache, cache.digest_key(digest_salt))
    return index
