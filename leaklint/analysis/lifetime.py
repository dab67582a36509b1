"""The lifetime model: how often code runs, how long what it touches lives, across the project.

Built from the project pass (`leaklint.analysis.project`): one `ProjectIndex` per run, queried by
rules. Every answer is one of three, and "unknown" is an honest answer, not a failure:

- `multiplicity(function)`: ONCE (module level, import time, `main` and what the `__main__`
  block or a console-script entry point reaches, app factories, CLI commands, code reached only
  from once-code), REPEATED (request / message / task handlers of the common frameworks,
  callbacks, callees of loops, whatever repeated code reaches, methods of classes instantiated in
  repeated code) or UNKNOWN (no caller the project shows, or a public function a user of the
  library may call as often as they like).
- `class_multiplicity(class)`: how many instances: ONCE (only made by once-code: a singleton),
  REPEATED (made in repeated code or in a loop), UNKNOWN.
- `holder_lifetime(holder, kind)`: PROCESS (module globals, class attributes, `atexit` /
  `signal` / `logging` / `sys.modules`, attributes of a once-made object), OBJECT (attributes of
  objects made repeatedly or of unknown count), FRAME (locals).
- `growth_driver(holder)`: INPUT when some write's key or element comes from parameters or
  per-call data, CODE when every write's comes from constants and code, UNKNOWN otherwise.
- `is_resource_type(name)`: a known resource constructor, or a class of the project that holds a
  resource (it defines `close` / `__exit__` / ... and sets an attribute from a resource, or
  inherits from such a class), so `Session()` inside the package that defines it is a resource.
- `returns_resource(function)`: the resource a project function returns fresh to its caller
  (`def _new_conn(self): ...; return socket.create_connection(...)`, followed through helpers and
  `super()`), so its callers own one.
- `removed_anywhere(holder)` / `unregistered_anywhere(registration)`: a removal, eviction or
  undo call anywhere in the project, in another module included.
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
from collections import defaultdict
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from .project import (
    CLOSE_METHODS,
    REGISTRATION_PAIRS,
    CallSite,
    ClassInfo,
    ContainerOp,
    FileSummary,
    FunctionInfo,
    Registration,
    module_name,
    summarize_source,
)
from .returns import solve_returning


class Multiplicity(enum.Enum):
    ONCE = "once"
    REPEATED = "repeated"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


class Lifetime(enum.Enum):
    PROCESS = "process"
    OBJECT = "object"
    FRAME = "frame"

    def __str__(self) -> str:
        return self.value


class Driver(enum.Enum):
    INPUT = "input"
    CODE = "code"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


# ---------------------------------------------------------------- knowledge of entry points
ONCE_FUNCTION_NAMES = frozenset({"main", "_main", "cli", "create_app", "make_app", "app_factory", "setup", "setup_app", "configure_app"})
# decorators (last dotted segment) that make a function a CLI command: runs once per process
ONCE_DECORATORS = frozenset({"command", "group", "callback", "main", "on_startup", "startup"})
# decorators whose function a framework calls per request / message / task
REPEATED_DECORATORS = frozenset(
    {
        "route", "get", "post", "put", "patch", "delete", "head", "options", "websocket", "api_route",
        "view", "api_view", "view_config", "endpoint", "action", "task", "shared_task", "periodic_task",
        "actor", "job", "receiver", "subscriber", "handler", "message_handler", "on_message",
        "middleware", "errorhandler", "exception_handler", "before_request", "after_request",
        "teardown_request", "before_app_request", "consumer", "hookimpl", "rpc", "event",
    }
)
# base classes (last dotted segment) whose methods a framework calls per request / connection
HANDLER_BASES = frozenset(
    {
        "View", "MethodView", "APIView", "GenericAPIView", "ViewSet", "ModelViewSet", "RequestHandler",
        "WebSocketHandler", "HTTPEndpoint", "WebSocketEndpoint", "BaseHTTPRequestHandler",
        "SimpleHTTPRequestHandler", "StreamRequestHandler", "DatagramRequestHandler",
        "BaseRequestHandler", "Consumer", "AsyncConsumer", "WebsocketConsumer",
        "AsyncWebsocketConsumer", "JsonWebsocketConsumer", "Resource", "Protocol", "BaseProtocol",
        "DatagramProtocol", "Task", "Middleware", "BaseHTTPMiddleware", "Handler",
    }
)
HANDLER_METHODS = frozenset(
    {
        "get", "post", "put", "patch", "delete", "head", "options", "handle", "dispatch", "process_request",
        "process_response", "process_view", "__call__", "data_received", "datagram_received",
        "connection_made", "connection_lost", "receive", "connect", "disconnect", "websocket_receive",
        "on_message", "run", "emit", "finish", "prepare", "open", "on_close", "setup", "list",
        "retrieve", "create", "update", "partial_update", "destroy",
    }
)
# calls that receive a function to call once (at exit, per thread start), not per event
ONCE_CALLBACK_SINKS = frozenset(
    {"atexit.register", "weakref.finalize", "threading.Thread", "multiprocessing.Process", "functools.partial", "contextlib.contextmanager"}
)
# calls that receive a function to call repeatedly: event loops, executors, schedulers, map
PROCESS_HOLDERS = ("atexit", "signal", "logging", "sys.modules", "sys.path", "copyreg", "warnings.filters", "gc.callbacks", "sys.meta_path")
_RANK = {Multiplicity.ONCE: 0, Multiplicity.UNKNOWN: 1, Multiplicity.REPEATED: 2}


# what `ProjectIndex.solve` sets
_SOLVED = frozenset({"call_sites", "instantiations", "callbacks", "_function_mult", "_class_mult"})


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


class ProjectIndex:
    """The merged summaries of one project, and the lifetime queries over them. Built once per
    run (or per flake8 process) and read-only afterwards, so pool workers share it by fork."""

    def __init__(self, summaries: Sequence[FileSummary], entry_points: Iterable[str] = (), resource_names: Iterable[str] = ()) -> None:
        self.summaries = list(summaries)
        self.entry_points = {e.replace(":", ".") for e in entry_points}
        self.functions: Dict[str, Tuple[FileSummary, FunctionInfo]] = {}
        self.classes: Dict[str, Tuple[FileSummary, ClassInfo]] = {}
        self.writes: Dict[str, List[ContainerOp]] = defaultdict(list)
        self.removals: List[ContainerOp] = []
        self.registrations: List[Registration] = []
        self._resource_names = set(resource_names)
        for s in self.summaries:
            prefix = f"{s.module}." if s.module else ""
            for q, fn in s.functions.items():
                self.functions[prefix + q] = (s, fn)
            for q, cls in s.classes.items():
                self.classes[prefix + q] = (s, cls)
            for w in s.writes:
                self.writes[w.holder].append(w)
            self.removals.extend(s.removals)
            self.registrations.extend(s.registrations)
        self._class_memo: Dict[str, Optional[str]] = {}
        self._classes_by_last: Dict[str, List[str]] = defaultdict(list)
        for full in self.classes:
            self._classes_by_last[full.rsplit(".", 1)[-1]].append(full)
        self._mro_memo: Dict[str, List[str]] = {}
        self._subclasses: Dict[str, Set[str]] = defaultdict(set)
        for full, (_, cls) in self.classes.items():
            for base in cls.bases:
                target = self._class_name(base)
                if target:
                    self._subclasses[target].add(full)
        self._resource_types: Optional[Set[str]] = None
        self._returning: Optional[Dict[str, str]] = None  # function -> resource it returns
        self._by_path: Optional[Dict[str, str]] = None
        self._fingerprint: Optional[str] = None
        # (SummaryCache, key) where `fingerprint` is kept between runs (set by build_index)
        self.digest_store: Optional[Tuple[Any, str]] = None
        # the rounds of `_solve` share what does not depend on the verdicts so far
        self._roots: Optional[Dict[str, Optional[Multiplicity]]] = None
        self._callees: Optional[Dict[str, Set[str]]] = None
        # the call graph and the verdicts (`_SOLVED`) are computed on first use: a run whose
        # every file is answered by the result cache needs only the fingerprint

    def __getattr__(self, name: str) -> Any:
        # only called for attributes not set yet: the solved ones, on their first use
        if name in _SOLVED and not self.__dict__.get("_solving"):
            self.solve()
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def solve(self) -> None:
        """Build the call graph and solve multiplicity (once; queries do it on first use). Call
        it before forking workers, so that they share the result instead of each solving."""
        if "_class_mult" in self.__dict__ or self.__dict__.get("_solving"):
            return
        self._solving = True
        try:
            self._build_call_graph()
            self._function_mult: Dict[str, Multiplicity] = {}
            self._class_mult: Dict[str, Multiplicity] = {}
            self._solve()
        finally:
            self._solving = False

    def module_of(self, path: str) -> str:
        """The dotted module name of a file of the project ("" when the index does not hold it):
        matched by absolute path, else by the longest path suffix (a display path relative to
        the project root, `django/apps/registry.py`)."""
        if self._by_path is None:
            self._by_path = {os.path.abspath(s.path): s.module for s in self.summaries}
        full = os.path.abspath(path)
        if full in self._by_path:
            return self._by_path[full]
        rel = path.replace(os.sep, "/").lstrip("./")
        best = ""
        best_len = -1
        for known, module in self._by_path.items():
            known_posix = known.replace(os.sep, "/")
            if rel and (known_posix == rel or known_posix.endswith("/" + rel)) and len(known_posix) > best_len:
                best, best_len = module, len(known_posix)
        return best

    def fingerprint(self) -> str:
        """A digest of what the model is built from, line numbers and paths left out: a result
        cache salted with it stays valid across edits that move code but change no structure."""
        if self._fingerprint is None and self.digest_store is not None:
            # stored by `build_index` under the identity of every file's path, module and content
            store, key = self.digest_store
            self._fingerprint = store.get_digest(key)
            if self._fingerprint is None:
                self._fingerprint = self._digest()
                store.put_digest(key, self._fingerprint)
        if self._fingerprint is None:
            self._fingerprint = self._digest()
        return self._fingerprint

    def _digest(self) -> str:
        h = hashlib.sha256()
        for s in sorted(self.summaries, key=lambda s: (s.module, s.path)):
            data = s.to_dict()
            data.pop("path", None)
            h.update(json.dumps(_without_lines(data), sort_keys=True).encode())
            h.update(b"\0")
        return h.hexdigest()

    @classmethod
    def from_sources(cls, sources: Mapping[str, str], root: str = "", **kwargs: Iterable[str]) -> "ProjectIndex":
        """An index of in-memory files (`{"pkg/mod.py": source}`), for tests and editors."""
        summaries = [summarize_source(text, path, module_name(os.path.join(root or ".", path), root or ".")) for path, text in sources.items()]
        return cls(summaries, **kwargs)

    # ------------------------------------------------------------ name matching
    def _function_name(self, name: str) -> Optional[str]:
        if name in self.functions:
            return name
        # a method reached through a subclass (self.m() where m is inherited) or a base class
        owner, _, method = name.rpartition(".")
        if owner in self.classes:
            for base in self._mro(owner):
                candidate = f"{base}.{method}"
                if candidate in self.functions:
                    return candidate
        return None

    def _class_name(self, name: str) -> Optional[str]:
        if name in self.classes:
            return name
        try:
            return self._class_memo[name]
        except KeyError:
            pass
        # `pkg.Cls` re-exported from `pkg/__init__.py`: match a unique class by its last name
        # and top-level package
        found: Optional[str] = None
        if "." in name:
            top, last = name.split(".", 1)[0], name.rsplit(".", 1)[-1]
            matches = [c for c in self._classes_by_last.get(last, ()) if c.split(".", 1)[0] == top]
            if len(matches) == 1:
                found = matches[0]
        self._class_memo[name] = found
        return found

    def _mro(self, cls: str, seen: Optional[Set[str]] = None) -> List[str]:
        if seen is None:
            if cls not in self._mro_memo:
                self._mro_memo[cls] = self._mro(cls, set())
            return self._mro_memo[cls]
        if cls in seen or cls not in self.classes:
            return []
        seen.add(cls)
        out = [cls]
        for base in self.classes[cls][1].bases:
            target = self._class_name(base)
            if target:
                out.extend(self._mro(target, seen))
        return out

    def _all_bases(self, cls: str) -> List[str]:
        """Every base as written or resolved, project classes followed through the hierarchy."""
        out: List[str] = []
        for c in self._mro(cls):
            out.extend(self.classes[c][1].bases)
        return out

    # ------------------------------------------------------------ the call graph
    def _build_call_graph(self) -> None:
        # callee -> [(caller full name or module, site)]
        self.call_sites: Dict[str, List[Tuple[str, CallSite]]] = defaultdict(list)
        self.instantiations: Dict[str, List[Tuple[str, CallSite]]] = defaultdict(list)
        self.callbacks: Dict[str, List[Tuple[str, CallSite]]] = defaultdict(list)
        for s in self.summaries:
            prefix = f"{s.module}." if s.module else ""
            for site in s.calls:
                caller = prefix + site.caller if site.caller else f"<module {s.module}>"
                if site.kind == "callback":
                    target = self._function_name(site.callee) or self._class_name(site.callee)
                    if target:
                        self.callbacks[target].append((caller, site))
                    continue
                cls = self._class_name(site.callee)
                if cls is not None:
                    self.instantiations[cls].append((caller, site))
                    init = self._function_name(f"{cls}.__init__")
                    if init:
                        self.call_sites[init].append((caller, site))
                    continue
                fn = self._function_name(site.callee)
                if fn is not None:
                    self.call_sites[fn].append((caller, site))

    def _is_module_caller(self, caller: str) -> bool:
        return caller.startswith("<module ")

    def _root(self, full: str) -> Optional[Multiplicity]:
        """What a function is on its own, before the call graph: ONCE / REPEATED roots."""
        s, fn = self.functions[full]
        name = _last(fn.qualname)
        if full in self.entry_points:
            return Multiplicity.ONCE
        decorators = {_last(d) for d in fn.decorators}
        if decorators & REPEATED_DECORATORS:
            return Multiplicity.REPEATED
        if fn.cls:
            owner = f"{s.module}.{fn.cls}" if s.module else fn.cls
            bases = {_last(b) for b in self._all_bases(owner)}
            if bases & HANDLER_BASES and name in HANDLER_METHODS:
                return Multiplicity.REPEATED
        if decorators & ONCE_DECORATORS and any(d.startswith(("click.", "typer.")) or ".command" in d or ".group" in d for d in fn.decorators):
            return Multiplicity.ONCE
        if not fn.cls and "." not in fn.qualname and name in ONCE_FUNCTION_NAMES:
            return Multiplicity.ONCE
        for caller, site in self.call_sites.get(full, ()):
            if site.in_main_block:
                return Multiplicity.ONCE
        return None

    def _solve(self) -> None:
        """Functions first (roots, then REPEATED along calls, then ONCE where every caller is
        once), then classes from their instantiation sites; a class made repeatedly makes its
        methods repeated, which may make more code repeated: repeat until nothing changes."""
        seeds: List[str] = []
        for _ in range(4):
            self._function_mult = self._solve_functions(seeds)
            self._class_mult = {cls: self._solve_class(cls) for cls in self.classes}
            more = [
                f"{owner}.{m}"
                for cls, verdict in self._class_mult.items() if verdict is Multiplicity.REPEATED
                for owner in self._mro(cls)
                for m in self.classes[owner][1].methods
                if self._function_mult.get(f"{owner}.{m}") is not Multiplicity.REPEATED
            ]
            if not more:
                return
            seeds.extend(more)

    def _solve_functions(self, seeds: Sequence[str]) -> Dict[str, Multiplicity]:
        mult: Dict[str, Multiplicity] = {}
        repeated: List[str] = list(seeds)
        if self._roots is None:  # what each function is on its own does not change between rounds
            self._roots = {full: self._root(full) for full in self.functions}
        for full, root in self._roots.items():
            if root is Multiplicity.REPEATED:
                repeated.append(full)
            elif root is Multiplicity.ONCE:
                mult[full] = Multiplicity.ONCE
        # callees of loops and callbacks handed to repeated-use sinks are repeated
        for full, sites in self.call_sites.items():
            if any(site.in_loop for _, site in sites):
                repeated.append(full)
        for full, sites in self.callbacks.items():
            if full in self.functions and any(site.via not in ONCE_CALLBACK_SINKS for _, site in sites):
                repeated.append(full)
        if self._callees is None:
            self._callees = defaultdict(set)
            for callee, sites in self.call_sites.items():
                for caller, _ in sites:
                    self._callees[caller].add(callee)
        callees = self._callees
        seen: Set[str] = set()
        while repeated:
            full = repeated.pop()
            if full in seen:
                continue
            seen.add(full)
            mult[full] = Multiplicity.REPEATED
            repeated.extend(callees.get(full, ()))
        # once: every caller is once (module level included), none in a loop, no callback use
        changed = True
        while changed:
            changed = False
            for full in self.functions:
                if full in mult:
                    continue
                sites = self.call_sites.get(full, [])
                if not sites or full in self.callbacks:
                    continue
                if all((self._is_module_caller(c) or mult.get(c) is Multiplicity.ONCE) and not s.in_loop for c, s in sites):
                    if self._exported(full):
                        continue  # a user of the library may call it as often as they like
                    mult[full] = Multiplicity.ONCE
                    changed = True
        return mult

    def _exported(self, full: str) -> bool:
        """A public function or method of a public module of a package: callable from outside the
        project, so the callers the project shows are not all the callers."""
        s, fn = self.functions[full]
        if full in self.entry_points:
            return False
        parts = fn.qualname.split(".")
        if any(p.startswith("_") and not (p.startswith("__") and p.endswith("__")) for p in parts):
            return False
        if any(p.startswith("_") for p in s.module.split(".")):
            return False
        if s.module in ("", "__main__") or "." not in s.module and not s.path.endswith("__init__.py"):
            return False  # a script or top-level module of an application
        return True

    def _exported_class(self, cls: str) -> bool:
        s, info = self.classes[cls]
        if any(p.startswith("_") for p in info.qualname.split(".") + s.module.split(".")):
            return False
        return not (s.module in ("", "__main__") or "." not in s.module and not s.path.endswith("__init__.py"))

    def _solve_class(self, cls: str) -> Multiplicity:
        family = [cls] + sorted(self._subclasses_of(cls))
        verdicts: List[Multiplicity] = []
        for member in family:
            sites = self.instantiations.get(member, [])
            if member in self.callbacks:
                verdicts.append(Multiplicity.UNKNOWN)  # the class itself is handed around: made elsewhere
            if not sites:
                continue
            if self._exported_class(member) and not any(site.binds for _, site in sites):
                # a public class of a library: its users make instances the project does not show;
                # only a module-level singleton (`NAME = Cls()`) says the design is one instance
                verdicts.append(Multiplicity.UNKNOWN)
            for caller, site in sites:
                if site.in_loop or self._function_mult.get(caller) is Multiplicity.REPEATED:
                    return Multiplicity.REPEATED
                if self._is_module_caller(caller) or self._function_mult.get(caller) is Multiplicity.ONCE:
                    verdicts.append(Multiplicity.ONCE)
                else:
                    verdicts.append(Multiplicity.UNKNOWN)
        if not verdicts:
            return Multiplicity.UNKNOWN
        return max(verdicts, key=_RANK.__getitem__)

    def _subclasses_of(self, cls: str, seen: Optional[Set[str]] = None) -> Set[str]:
        seen = set() if seen is None else seen
        for sub in self._subclasses.get(cls, ()):
            if sub not in seen:
                seen.add(sub)
                self._subclasses_of(sub, seen)
        return seen

    # ------------------------------------------------------------ queries
    def multiplicity(self, function: str) -> Multiplicity:
        """How often the function (full dotted name: `pkg.mod.f`, `pkg.mod.C.m`) runs."""
        full = self._function_name(function)
        if full is None:
            return Multiplicity.UNKNOWN
        found = self._function_mult.get(full)
        if found is not None:
            return found
        s, fn = self.functions[full]
        if fn.cls:
            owner = f"{s.module}.{fn.cls}" if s.module else fn.cls
            if _last(fn.qualname) == "__init__":
                return self.class_multiplicity(owner)
        return Multiplicity.UNKNOWN

    def scope_multiplicity(self, module: str, qualname: str) -> Multiplicity:
        """How often the code of a scope runs, for a rule that knows its file's module and the
        qualname of the enclosing function (`C.m`, `f.inner`; "" for module level: ONCE). A
        nested function the index cannot place runs as often as the function that defines it
        runs, at most: its answer is the nearest enclosing function's."""
        if not qualname:
            return Multiplicity.ONCE
        prefix = f"{module}." if module else ""
        parts = qualname.split(".")
        while parts:
            name = prefix + ".".join(parts)
            if name in self.functions:
                found = self.multiplicity(name)
                if found is not Multiplicity.UNKNOWN or len(parts) == 1:
                    return found
            elif prefix + ".".join(parts) in self.classes:
                return Multiplicity.UNKNOWN  # a class body: no function around it the index knows
            parts.pop()
        return Multiplicity.UNKNOWN

    def class_multiplicity(self, cls: str) -> Multiplicity:
        """How many instances of the class (or of its subclasses) the program makes."""
        full = self._class_name(cls)
        if full is None:
            return Multiplicity.UNKNOWN
        return self._class_mult.get(full, Multiplicity.UNKNOWN)

    def makes_transient_instances(self, cls: str) -> bool:
        """Whether code that may run more than once makes instances of the class (or of a
        subclass) that only live in the calling frame (`p = Pdb(); p.run()`, `C().go()`): one
        short-lived instance per call, so instances come and go for as long as the process
        runs. A holder that outlives them (a class-level cache keyed by `self`) pins dead ones."""
        full = self._class_name(cls)
        if full is None:
            return False
        for member in [full] + sorted(self._subclasses_of(full)):
            for caller, site in self.instantiations.get(member, ()):
                if not site.transient or self._is_module_caller(caller):
                    continue
                if self._function_mult.get(caller) is not Multiplicity.ONCE:
                    return True
        return False

    def holder_lifetime(self, holder: str, kind: str) -> Lifetime:
        """How long a container lives: `kind` is the holder kind the summary recorded
        ("module", "class", "instance", "local")."""
        if kind == "local":
            return Lifetime.FRAME
        if kind in ("module", "class") or holder.startswith(PROCESS_HOLDERS):
            return Lifetime.PROCESS
        owner = holder.rsplit(".", 1)[0]
        if self.class_multiplicity(owner) is Multiplicity.ONCE:
            return Lifetime.PROCESS  # an attribute of a singleton lives as long as the process
        return Lifetime.OBJECT

    def growth_driver(self, holder: str) -> Driver:
        """What drives the growth of a container across all its writes in the project."""
        writes = self.writes.get(holder, [])
        if not writes:
            return Driver.UNKNOWN
        drivers = {w.driver for w in writes}
        if "input" in drivers:
            return Driver.INPUT
        if drivers == {"code"}:
            return Driver.CODE
        return Driver.UNKNOWN

    def removed_anywhere(self, holder: str) -> bool:
        """Some code of the project removes from, clears, evicts or re-binds the container (or
        calls `cache_clear()` on the cached function)."""
        return any(_same_holder(op.holder, holder) for op in self.removals)

    def removals_of(self, holder: str) -> List[ContainerOp]:
        return [op for op in self.removals if _same_holder(op.holder, holder)]

    def unregistered_anywhere(self, registration: Registration) -> bool:
        """The project undoes this registration somewhere: the paired call (`disconnect` for
        `connect`, `removeHandler` for `addHandler`, ...) on the same registry or with the same
        registered callable, or the registration is a `with` item that undoes itself on exit."""
        if registration.in_with:
            return True
        undo_names = {u for r, u in REGISTRATION_PAIRS if r == registration.method}
        for other in self.registrations:
            if other.method not in undo_names or other is registration:
                continue
            if registration.registered and _same_holder(other.registered, registration.registered):
                return True
            if registration.target and _same_holder(other.target, registration.target) and not registration.registered:
                return True
        return False

    def is_resource_type(self, name: str) -> bool:
        """A constructor that returns something to close: the known catalogue, or a class of the
        project that holds a resource (see the module docstring)."""
        if self._resource_types is None:
            self._resource_types = self._solve_resources()
        if name in self._resource_types or f"builtins.{name}" in self._resource_types:
            return True
        full = self._class_name(name)
        return full is not None and full in self._resource_types

    def returns_resource(self, function: str) -> Optional[str]:
        """The catalogue name of the resource a project function (or a method reached through
        the class hierarchy) returns fresh to its caller, who then owns it; None when it returns
        none or the project does not show the function (`leaklint.analysis.returns`)."""
        target = self._function_name(function)
        return self._returning_functions().get(target) if target else None

    def super_returns_resource(self, cls: str, method: str) -> Optional[str]:
        """What `super().method()` returns in a method of the project class `cls`."""
        target = self._super_method(cls, method)
        return self._returning_functions().get(target) if target else None

    def _super_method(self, cls: str, method: str, _fn: str = "") -> Optional[str]:
        full = self._class_name(cls)
        for base in self._mro(full)[1:] if full else ():
            if f"{base}.{method}" in self.functions:
                return f"{base}.{method}"
        return None

    def _returning_functions(self) -> Dict[str, str]:
        if self._returning is None:
            known = set(self._resource_names) or _catalogue()

            def is_resource(name: str) -> Optional[str]:
                return name if name in known else None

            self._returning = solve_returning(
                {full: fn.returns for full, (_, fn) in self.functions.items() if fn.returns},
                is_resource, self._function_name, self._super_method,
            )
        return self._returning

    def _solve_resources(self) -> Set[str]:
        known = set(self._resource_names) or _catalogue()
        found = set(known)
        changed = True
        while changed:
            changed = False
            for full, (_, cls) in self.classes.items():
                if full in found:
                    continue
                methods = set()
                for c in self._mro(full):
                    methods.update(self.classes[c][1].methods)
                if not methods & CLOSE_METHODS:
                    continue
                holds = any(src and (src in found or f"builtins.{src}" in found or self._class_name(src) in found) for src in cls.self_attrs.values())
                inherits = any(b in found or self._class_name(b) in found for b in self._all_bases(full) if b != full)
                if holds or inherits:
                    found.add(full)
                    changed = True
        return found


def _without_lines(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != "line"}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


def _same_holder(a: str, b: str) -> bool:
    """The same container, allowing one side to be written unresolved as its dotted tail
    (`registry.HANDLERS` for `pkg.registry.HANDLERS`)."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return "." in short and long.endswith("." + short)


def _catalogue() -> Set[str]:
    from ..knowledge.resources import CATALOGUE

    return set(CATALOGUE)
