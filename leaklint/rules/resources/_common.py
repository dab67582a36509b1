"""Shared machinery of the resource rules (LL401-LL404).

- the catalogue (data, in `leaklint.knowledge.resources`): which calls return a resource (by
  qualified name, through imports and aliases), and which methods release each kind;
- `Resolver`: resolves a Call to a catalogue entry, including the method forms
  (`Path(...).open()`, `ZipFile(...).open()`, `SSLContext.wrap_socket()`,
  `multiprocessing.get_context().Pool()`) through a small table of local variable types;
- the flow walker and its queries live in `leaklint.analysis.flow` (typed events) and are
  re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import libcst as cst

from ...analysis.expr import target_names
from ...analysis.scopes import LOCAL, Binding, Context, resolve
from ...knowledge.resources import (  # noqa: F401  (the family reads the catalogue from here)
    FILE,
    SOCKET,
    TEMPDIR,
    PROCESS,
    POOL,
    EXECUTOR,
    CLOSE,
    MAIL,
    IMAP,
    GENERIC,
    CATALOGUE,
    SQLITE,
    SELF_CLOSING_ITERATION,
    FILEOBJ_WRAPPERS,
    IN_MEMORY,
    FD_OPENERS,
    STREAM_NAME,
    TYPE_FACTORIES,
    PATH_METHODS,
    METHOD_RESOURCES,
    RELEASE_ALL,
    HANDOFF_FUNCTIONS,
    HANDOFF_METHODS,
    STORE_METHODS,
    TASK_CALLABLES,
    STORE_PREFIXES,
    ACCESSORS,
    LAZY_CONNECTIONS,
    HOST_OPTIONAL,
    CONSUMERS,
    BUILTIN_STORES,
    DERIVED_OWNERS,
    CONSUMER_METHODS,
    CLOSEISH,
    LOCK_FACTORIES,
    READ_TO_EOF_CLOSES,
    READ_TO_END,
)
from ...analysis.flow import (  # noqa: F401  (the walker and its queries, for the family's rules)
    Escape,
    Event,
    EventKind,
    FlowWalker,
    closeish,
    exclusive,
    follows_at_once,
    protected,
    swallows,
)
from ...rule import Rule
from ._returned import returned_resource
from ...traverse import children

@dataclass(frozen=True)
class ResourceOptions:
    """`[tool.leaklint.resources]`, shared by LL401 and LL402."""

    extra: Tuple[str, ...] = field(
        default=(),
        metadata={
            "help": "More resource factories, as qualified names (`fs.open_fs`, `mylib.Client`); "
            "their results must be closed like the catalogue's (close, aclose, shutdown, cleanup, "
            "terminate, quit, release, stop, disconnect, join or wait count as a release)."
        },
    )
    error_paths: bool = field(
        default=False,
        metadata={
            "form": True,
            "help": "LL401: a release that an exception raised before it would skip (a `close()` "
            "outside `finally`, a release on one branch only; never a `Popen`'s `wait()`, which its "
            "finaliser reaps) is reported by default where the project's lifetime model shows the "
            "code repeats (high confidence); set this to also report it where the model cannot "
            "tell or without a project (medium confidence)."
        },
    )
    self_attributes: bool = field(
        default=False,
        metadata={
            "form": True,
            "help": "LL401: also report a resource stored on `self` by a class none of whose "
            "methods closes it (medium confidence; the object's own lifetime usually bounds it)."
        },
    )
    project_classes: bool = field(
        default=False,
        metadata={
            "form": True,
            "help": "LL401 and LL402: also treat classes of the project that hold a resource (they define close() or "
            "__exit__ and set an attribute from a resource, as the lifetime model judges them) as resources "
            "(measured 0 real of 2 on the ecosystem corpus)."
        },
    )
    include_tests: bool = field(
        default=False,
        metadata={
            "help": "LL401 and LL402: also check test code (`test_*.py`, `*_test.py`, `conftest.py`, files "
            "under `test/`, `tests/` or `testing/`, modules that import unittest or pytest, test "
            "functions and `Test*` classes), which runs once per test process."
        },
    )




def catalogue_triggers(extra: Iterable[str] = ()) -> Tuple[str, ...]:
    """Text that must occur in a file for a catalogue call to resolve: the last segment of every
    qualified name appears in the import or in the call itself."""
    out: List[str] = ["open", "wrap_socket", "Pool"]
    for name in (*CATALOGUE, *extra):
        last = name.rsplit(".", 1)[-1]
        if last and last not in out:
            out.append(last)
    return tuple(out)


def short_name(qualified: str) -> str:
    if qualified.startswith("builtins."):
        qualified = qualified[len("builtins."):]
    return f"{qualified}()"


@dataclass(frozen=True)
class Resource:
    qualified: str  # catalogue key ("builtins.open") or "method:<type>.<name>"
    display: str  # "open()", "Path.open()"
    releases: Tuple[str, ...]
    # methods that actually open it, for objects that connect on first use ("" : opened at once)
    opens_with: Tuple[str, ...] = ()

    @property
    def is_sqlite(self) -> bool:
        return self.qualified in SQLITE

    def released_by(self, event: Event) -> bool:
        """Whether a flow event releases a resource of this kind: a release function, one of
        its release methods, `__exit__` by hand, or for an HTTP response (`urlopen`) reading
        the body to the end (it closes its socket at EOF)."""
        return event.kind == EventKind.RELEASE or (
            event.kind == EventKind.METHOD
            and (
                event.detail in self.releases
                or event.detail in ("__exit__", "__aexit__")
                or (self.qualified in READ_TO_EOF_CLOSES and event.detail == READ_TO_END)
            )
        )


class Resolver:
    """Resolves calls to catalogue entries while the traversal runs (so `ctx` is at the call's
    scope). The method forms (`path.open()`, `zf.open(name)`) need the type of a local: it is
    read from the engine's bindings table (`Binding.value`), computed once per binding."""

    # the bindings that give a local a type: `name = value` (one target), `with value as name`,
    # a parameter annotated `pathlib.Path`; other rebindings (loops, unpacking, `+=`) leave the
    # type the name had
    TYPED_KINDS = frozenset({"assign", "with", "param"})

    def __init__(self, ctx: Context, extra: Sequence[str] = (), project_classes: bool = False) -> None:
        self.project_classes = project_classes
        self.ctx = ctx
        self.extra = frozenset(extra)
        self._types: Dict[int, Optional[str]] = {}  # id(Binding) -> type
        self._cache: Dict[int, Optional[Resource]] = {}
        self._module_names: Optional[Set[str]] = None
        self._file_index: Dict[str, Any] = {}  # the one-file index when the project's is missing

    # ------------------------------------------------------------------ local types
    def expr_type(self, expr: cst.BaseExpression, before: Optional[int] = None) -> Optional[str]:
        """The type of `expr` at the current point (`before`: as it was before that binding)."""
        if isinstance(expr, cst.Call):
            qn = self.ctx.call_name(expr)
            if qn is not None and qn in TYPE_FACTORIES:
                return TYPE_FACTORIES[qn]
            func = expr.func
            if isinstance(func, cst.Attribute) and func.attr.value in PATH_METHODS:
                if self.expr_type(func.value, before) == "pathlib.Path":
                    return "pathlib.Path"
            return None
        if isinstance(expr, cst.Name):
            scope = self.ctx.scope
            found = resolve(expr.value, scope, before=before)
            # a local of the scope the code runs in (a closure's free name has no type here)
            if found is None or found.target != LOCAL or found.scope is not scope:
                return None
            return self._binding_type(found)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
            if self.expr_type(expr.left, before) == "pathlib.Path":
                return "pathlib.Path"
            return None
        if isinstance(expr, cst.Attribute) and expr.attr.value == "parent":
            if self.expr_type(expr.value, before) == "pathlib.Path":
                return "pathlib.Path"
        return None

    def _binding_type(self, binding: Optional[Binding]) -> Optional[str]:
        while binding is not None and not self._typed(binding):
            binding = binding.previous
        if binding is None:
            return None
        key = id(binding)
        if key in self._types:
            return self._types[key]
        self._types[key] = None  # (a value that reads its own name)
        if binding.kind == "param":
            kind = self._param_type(binding)
        else:
            assert binding.value is not None
            kind = self.expr_type(binding.value, before=binding.seq)
        self._types[key] = kind
        return kind

    @classmethod
    def _typed(cls, binding: Binding) -> bool:
        if binding.kind not in cls.TYPED_KINDS:
            return False
        if binding.kind == "param":
            return True
        node = binding.node
        if binding.kind == "assign":
            return isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name)
        return isinstance(node, cst.WithItem) and node.asname is not None and isinstance(node.asname.name, cst.Name)

    def _param_type(self, binding: Binding) -> Optional[str]:
        """Parameters annotated as `pathlib.Path` (resolved in the defining scope)."""
        param = binding.node
        if not isinstance(param, cst.Param) or param.annotation is None or param.star in ("*", "**"):
            return None
        qn = self.ctx.qualified_name(param.annotation.annotation, binding.scope.parent)
        return "pathlib.Path" if qn in ("pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath") else None

    # ------------------------------------------------------------------ resources
    def resource(self, call: cst.Call) -> Optional[Resource]:
        key = id(call)
        if key in self._cache:
            return self._cache[key]
        result = self._resolve(call)
        self._cache[key] = result
        return result

    def _resolve(self, call: cst.Call) -> Optional[Resource]:
        qn = self.ctx.call_name(call)
        if qn is not None and qn.startswith(".") and self.ctx.module:
            # a relative import inside a package: `sessions.Session()` in requests/api.py is
            # `requests.sessions.Session` (the module name comes from the project's model)
            from ...analysis.project import absolute_name

            qn = absolute_name(self.ctx.module, self.ctx.path.endswith("__init__.py"), qn)
        if (
            qn is not None
            and qn.startswith("builtins.")
            and isinstance(call.func, cst.Name)
            and self._module_binds(qn[len("builtins."):])
        ):
            qn = None  # `open = TarFile.open` somewhere at module level shadows the builtin
        if qn is not None:
            if qn in CATALOGUE:
                if qn in FILEOBJ_WRAPPERS and self._wraps_callers_stream(call):
                    return None
                if qn == "urllib.request.urlopen" and _data_url(call):
                    return None
                if qn in FD_OPENERS and _closefd_false(call):
                    return None
                opens_with: Tuple[str, ...] = LAZY_CONNECTIONS.get(qn, ())
                if qn in HOST_OPTIONAL and not any(
                    arg.keyword is None or arg.keyword.value == "host" for arg in call.args
                ):
                    opens_with = ("connect",)  # `FTP()` without a host connects later
                return Resource(qn, short_name(qn), CATALOGUE[qn], opens_with)
            if qn in self.extra:
                return Resource(qn, short_name(qn), GENERIC)
        project = self.ctx.project
        if project is not None and self.project_classes:
            # a class of the project that holds a resource (it defines close() / __exit__ and
            # sets an attribute from one, or inherits from such a class): the model says so
            full = qn or ""
            if qn is None and isinstance(call.func, cst.Name) and self.ctx.module:
                full = f"{self.ctx.module}.{call.func.value}"  # a class of this module
            if "." in full and not full.startswith("builtins.") and project.is_resource_type(full):
                return Resource(full, short_name(full), GENERIC)
        returned = returned_resource(self.ctx, call, qn, self._file_index)  # a project function returns one
        if returned is not None:
            kind, callee = returned
            return Resource(f"returns:{kind}", f"the {short_name(kind)} that {callee}() returns", CATALOGUE.get(kind, GENERIC))
        func = call.func
        if isinstance(func, cst.Attribute):
            receiver = self.expr_type(func.value)
            if receiver is not None:
                entry = METHOD_RESOURCES.get((receiver, func.attr.value))
                if entry is not None:
                    return Resource(f"method:{receiver}.{func.attr.value}", entry[0], entry[1])
        return None

    def _module_binds(self, name: str) -> bool:
        if self._module_names is None:
            module = self.ctx.module_scope.node if self.ctx.module_scope is not None else None
            self._module_names = module_level_names(module) if isinstance(module, cst.Module) else set()
        return name in self._module_names

    def _wraps_callers_stream(self, call: cst.Call) -> bool:
        """`GzipFile(fileobj=buf)`, `ZipFile(io.BytesIO(data))`: the wrapper owns no descriptor."""
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "fileobj":
                return not (isinstance(arg.value, cst.Name) and arg.value.value == "None")
        if call.args and call.args[0].keyword is None:
            first = call.args[0].value
            if isinstance(first, cst.Call) and self.ctx.call_name(first) in IN_MEMORY:
                return True
            if isinstance(first, cst.Name) and STREAM_NAME.search(first.value):
                return True
            if self.expr_type(first) == "io.memory":
                return True  # `buf = io.BytesIO()` ... `ZipFile(buf, "w")`
        return False


def _data_url(call: cst.Call) -> bool:
    """`urlopen("data:...")`: an in-memory response, no socket."""
    if not call.args:
        return False
    first = call.args[0].value
    if isinstance(first, (cst.SimpleString, cst.ConcatenatedString)):
        value = first.evaluated_value
        return isinstance(value, str) and value.startswith("data:")
    if isinstance(first, cst.FormattedString):
        parts = first.parts
        return bool(parts) and isinstance(parts[0], cst.FormattedStringText) and parts[0].value.startswith("data:")
    return False


def _closefd_false(call: cst.Call) -> bool:
    """`open(fd, closefd=False)`: the file object does not own the descriptor."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "closefd":
            return isinstance(arg.value, cst.Name) and arg.value.value == "False"
    return False


def module_level_names(module: cst.Module) -> Set[str]:
    """Names bound by the module's top-level statements (anywhere in the file: functions run
    after the whole module has been executed)."""
    out: Set[str] = set()
    todo: List[cst.CSTNode] = list(module.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            out.add(node.name.value)
        elif isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        out.update(target_names(target.target))
                elif isinstance(small, cst.AnnAssign):
                    out.update(target_names(small.target))
                elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                    for alias in small.names:
                        bound = alias.asname.name if alias.asname is not None else alias.name
                        if isinstance(bound, cst.Name):
                            out.add(bound.value)
        elif isinstance(node, (cst.If, cst.Try, cst.With, cst.For, cst.While, cst.Else, cst.IndentedBlock, cst.ExceptHandler, cst.Finally)):
            todo.extend(children(node))
    return out



class ResourceRule(Rule):
    """Base of LL401 / LL402: the catalogue's triggers (and the user's extra factories), the
    shared `[tool.leaklint.resources]` options, the peers' codes for the same check, and one
    `Resolver` per file that says which call makes which resource."""

    triggers = catalogue_triggers()
    Options = ResourceOptions
    options_section = "resources"
    peer_codes = ("SIM115", "R1732", "consider-using-with")

    @classmethod
    def active_triggers(cls, options: Any) -> Tuple[str, ...]:
        return catalogue_triggers(getattr(options, "extra", ()))

    def __init__(self, context: Any, options: Any = None) -> None:
        super().__init__(context, options)
        self.resolver = Resolver(context, self.options.extra, self.options.project_classes)

__all__ = [
    "CATALOGUE", "Resolver", "Resource", "ResourceOptions", "ResourceRule", "FlowWalker", "Event", "exclusive", "protected",
    "follows_at_once", "catalogue_triggers", "LOCK_FACTORIES", "RELEASE_ALL", "closeish",
]
