"""The lifetime model (leaklint.analysis.lifetime) on small projects: each query must answer
"once", "repeated" and "unknown" (or its own three answers) where the program text says so."""

from __future__ import annotations

import textwrap

import pytest

from leaklint.analysis.lifetime import Driver, Lifetime, Multiplicity, ProjectIndex
from leaklint.analysis.project import FileSummary, build_index, find_project_root, module_name, summarize_source


def index(**files: str) -> ProjectIndex:
    return ProjectIndex.from_sources({path.replace("__", "/") + ".py": textwrap.dedent(src) for path, src in files.items()})


ONCE, REPEATED, UNKNOWN = Multiplicity.ONCE, Multiplicity.REPEATED, Multiplicity.UNKNOWN


# ------------------------------------------------------------------ multiplicity of functions
def test_main_and_what_the_main_block_reaches_run_once() -> None:
    idx = index(app="""
        def load_config():
            return {}

        def run():
            cfg = load_config()

        if __name__ == "__main__":
            run()
    """)
    assert idx.multiplicity("app.run") is ONCE
    assert idx.multiplicity("app.load_config") is ONCE


def test_module_level_calls_run_once_but_a_loop_makes_them_repeated() -> None:
    idx = index(tool="""
        def setup_logging():
            pass

        def handle(item):
            pass

        setup_logging()
        for item in range(10):
            handle(item)
    """)
    assert idx.multiplicity("tool.setup_logging") is ONCE
    assert idx.multiplicity("tool.handle") is REPEATED


def test_route_handlers_and_what_they_call_are_repeated_across_modules() -> None:
    idx = index(
        web__views="""
            from flask import Flask
            from .store import remember

            app = Flask(__name__)

            @app.route("/item/<key>")
            def item(key):
                return remember(key)
        """,
        web__store="""
            def remember(key):
                return key
        """,
    )
    assert idx.multiplicity("web.views.item") is REPEATED
    assert idx.multiplicity("web.store.remember") is REPEATED


def test_public_library_function_without_callers_is_unknown() -> None:
    idx = index(lib__api="""
        def fetch(url):
            return url

        def _helper():
            pass
    """)
    assert idx.multiplicity("lib.api.fetch") is UNKNOWN
    assert idx.multiplicity("lib.api._helper") is UNKNOWN
    assert idx.multiplicity("lib.api.missing") is UNKNOWN


def test_exported_function_called_once_internally_stays_unknown() -> None:
    # a user of the library may call it again: the project's own callers are not all callers
    idx = index(lib__api="""
        def connect():
            pass

        def _boot():
            pass

        connect()
        _boot()
    """)
    assert idx.multiplicity("lib.api.connect") is UNKNOWN
    assert idx.multiplicity("lib.api._boot") is ONCE


def test_callbacks_are_repeated_but_atexit_handlers_run_once() -> None:
    idx = index(svc="""
        import atexit
        import asyncio

        def on_tick():
            pass

        def at_exit():
            pass

        def start(loop):
            loop.call_soon(on_tick)
            atexit.register(at_exit)
    """)
    assert idx.multiplicity("svc.on_tick") is REPEATED
    assert idx.multiplicity("svc.at_exit") is not REPEATED


def test_handler_methods_of_framework_base_classes_are_repeated() -> None:
    idx = index(server="""
        import socketserver

        class Echo(socketserver.BaseRequestHandler):
            def handle(self):
                self.reply()

            def reply(self):
                pass
    """)
    assert idx.multiplicity("server.Echo.handle") is REPEATED
    assert idx.multiplicity("server.Echo.reply") is REPEATED


def test_click_commands_run_once() -> None:
    idx = index(cli="""
        import click

        @click.command()
        def serve():
            pass
    """)
    assert idx.multiplicity("cli.serve") is ONCE


def test_a_method_of_an_object_made_on_the_spot_is_called_from_where_it_is_made() -> None:
    # `Audit().run(files)`: the call reaches Audit.run, so only CLI commands call it
    idx = index(cli="""
        import click

        class Audit:
            def run(self, files):
                return files

        @click.command()
        def stats(files):
            Audit().run(files)
    """)
    assert idx.multiplicity("cli.Audit.run") is ONCE
    served = index(app="""
        from flask import Flask
        app = Flask(__name__)

        class Audit:
            def run(self, files):
                return files

        @app.route("/stats")
        def stats():
            return Audit().run([])
    """)
    assert served.multiplicity("app.Audit.run") is REPEATED


def test_console_script_entry_point_runs_once() -> None:
    idx = ProjectIndex.from_sources(
        {"tool/cli.py": "def entry():\n    work()\n\ndef work():\n    pass\n"},
        entry_points=["tool.cli:entry"],
    )
    assert idx.multiplicity("tool.cli.entry") is ONCE
    # `work` is public in a package: another program may call it too
    assert idx.multiplicity("tool.cli.work") is UNKNOWN


# ------------------------------------------------------------------ multiplicity of classes
def test_class_made_only_at_import_is_a_singleton_and_in_a_handler_is_repeated() -> None:
    idx = index(
        app__state="""
            class Registry:
                def __init__(self):
                    self.items = {}

            REGISTRY = Registry()
        """,
        app__handlers="""
            from fastapi import APIRouter
            from .conn import Conn

            router = APIRouter()

            @router.get("/")
            def index():
                c = Conn()
                return c
        """,
        app__conn="""
            class Conn:
                def __init__(self):
                    self.buf = []
        """,
        app__other="""
            class Widget:
                pass
        """,
    )
    assert idx.class_multiplicity("app.state.Registry") is ONCE
    assert idx.class_multiplicity("app.conn.Conn") is REPEATED
    assert idx.class_multiplicity("app.other.Widget") is UNKNOWN
    assert idx.multiplicity("app.conn.Conn.__init__") is REPEATED


def test_subclass_instances_count_for_the_base_class() -> None:
    idx = index(shapes="""
        class Base:
            def area(self):
                return 0

        class Square(Base):
            pass

        def draw_all(n):
            for _ in range(n):
                Square()
    """)
    assert idx.class_multiplicity("shapes.Base") is REPEATED
    assert idx.multiplicity("shapes.Base.area") is REPEATED


def test_class_handed_around_is_unknown() -> None:
    idx = index(plug="""
        class Plugin:
            pass

        def load(registry):
            registry.add(Plugin)

        p = Plugin()
    """)
    assert idx.class_multiplicity("plug.Plugin") is UNKNOWN


# ------------------------------------------------------------------ holder lifetime
def test_holder_lifetimes() -> None:
    idx = index(
        m="""
            CACHE = {}

            class Config:
                registry = []

                def __init__(self):
                    self.values = {}

            class Session:
                def __init__(self):
                    self.history = []

            CONFIG = Config()

            def per_request(n):
                for _ in range(n):
                    Session()
        """,
    )
    assert idx.holder_lifetime("m.CACHE", "module") is Lifetime.PROCESS
    assert idx.holder_lifetime("m.Config.registry", "class") is Lifetime.PROCESS
    assert idx.holder_lifetime("m.Config.values", "instance") is Lifetime.PROCESS  # attribute of a singleton
    assert idx.holder_lifetime("m.Session.history", "instance") is Lifetime.OBJECT
    assert idx.holder_lifetime("items", "local") is Lifetime.FRAME
    assert idx.holder_lifetime("logging.root.handlers", "module") is Lifetime.PROCESS


# ------------------------------------------------------------------ growth driver
def test_growth_driver_input_code_unknown() -> None:
    idx = index(g="""
        import enum

        BY_KEY = {}
        NAMES = {}
        MIXED = {}
        ANY = []

        class Color(enum.Enum):
            RED = 1

        def remember(key, value):
            BY_KEY[key] = value

        def label(flag):
            NAMES[Color.RED] = "red"
            NAMES[True] = "yes"

        def collect():
            item = compute()
            ANY.append(item)

        for name in ("a", "b"):
            MIXED[name] = 1
    """)
    assert idx.growth_driver("g.BY_KEY") is Driver.INPUT
    assert idx.growth_driver("g.NAMES") is Driver.CODE
    assert idx.growth_driver("g.MIXED") is Driver.CODE  # import-time loop over a literal
    assert idx.growth_driver("g.ANY") is Driver.UNKNOWN
    assert idx.growth_driver("g.NEVER") is Driver.UNKNOWN


def test_data_derived_from_a_parameter_drives_growth() -> None:
    idx = index(d="""
        SEEN = set()

        def track(request):
            user = request.user
            for tag in request.tags:
                SEEN.add((user, tag))
    """)
    assert idx.growth_driver("d.SEEN") is Driver.INPUT


# ------------------------------------------------------------------ removal anywhere
def test_removal_in_another_module_counts() -> None:
    idx = index(
        pkg__registry="""
            HANDLERS = {}

            def add(name, fn):
                HANDLERS[name] = fn
        """,
        pkg__cleanup="""
            from pkg.registry import HANDLERS
            from pkg import registry

            def drop(name):
                HANDLERS.pop(name, None)
        """,
        pkg__other="""
            LOG = []

            def note(x):
                LOG.append(x)
        """,
    )
    assert idx.removed_anywhere("pkg.registry.HANDLERS")
    assert not idx.removed_anywhere("pkg.other.LOG")


def test_eviction_by_rebinding_a_global_and_cache_clear() -> None:
    idx = index(e="""
        import functools

        _CACHE = {}

        def reset():
            global _CACHE
            _CACHE = {}

        @functools.lru_cache(maxsize=None)
        def lookup(x):
            return x

        def flush():
            lookup.cache_clear()
    """)
    assert idx.removed_anywhere("e._CACHE")
    assert idx.removed_anywhere("e.lookup")
    assert not idx.removed_anywhere("e.other")


def test_unregistration_anywhere_and_self_undoing_registration() -> None:
    idx = index(
        ev__bus="""
            from blinker import signal

            started = signal("started")

            def on_start(sender):
                pass

            def wire():
                started.connect(on_start)

            def watch():
                with started.connected_to(on_start):
                    pass

            def listen_forever(cb):
                started.connect(cb)
        """,
        ev__teardown="""
            from ev.bus import started, on_start

            def unwire():
                started.disconnect(on_start)
        """,
    )
    regs = {r.registered: r for r in idx.registrations if not r.undo}
    assert idx.unregistered_anywhere(regs["ev.bus.on_start"])
    assert not idx.unregistered_anywhere(regs["cb"])


# ------------------------------------------------------------------ resource types
def test_project_classes_that_hold_a_resource_are_resource_types() -> None:
    idx = index(
        net__session="""
            import socket

            class Session:
                def __init__(self, host):
                    self.sock = socket.create_connection((host, 80))

                def close(self):
                    self.sock.close()

            class PooledSession(Session):
                pass

            class Plain:
                def close(self):
                    pass

            class Client:
                def __init__(self):
                    self.session = Session("h")

                def close(self):
                    self.session.close()
        """,
    )
    assert idx.is_resource_type("net.session.Session")
    assert idx.is_resource_type("net.session.PooledSession")
    assert idx.is_resource_type("net.session.Client")
    assert not idx.is_resource_type("net.session.Plain")
    assert idx.is_resource_type("open")
    assert idx.is_resource_type("socket.socket")
    assert not idx.is_resource_type("dict")


# ------------------------------------------------------------------ the pass itself
def test_module_names_and_relative_imports(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    pkg = tmp_path / "src" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("from .core import run\n")
    (pkg / "core.py").write_text("from . import util\nfrom ..other import thing\ndef run():\n    util.go()\n")
    (pkg / "util.py").write_text("def go():\n    pass\n")
    assert find_project_root(str(pkg / "core.py")) == str(tmp_path)
    assert module_name(str(pkg / "core.py"), str(tmp_path)) == "pkg.core"
    assert module_name(str(pkg / "__init__.py"), str(tmp_path)) == "pkg"
    idx = build_index([str(pkg / "core.py")], cache_dir=str(tmp_path / ".cache"))
    assert {s.module for s in idx.summaries} == {"pkg", "pkg.core", "pkg.util"}
    core = next(s for s in idx.summaries if s.module == "pkg.core")
    assert core.imports["util"] == "pkg.util"
    assert core.imports["thing"] == "other.thing"
    init = next(s for s in idx.summaries if s.module == "pkg")
    assert init.imports["run"] == "pkg.core.run"
    # the call util.go() is linked across modules
    assert [c for c, _ in idx.call_sites["pkg.util.go"]] == ["pkg.core.run"]
    # a second build reads the cached summaries and gives the same index
    again = build_index([str(pkg / "core.py")], cache_dir=str(tmp_path / ".cache"))
    assert [s.to_dict() for s in again.summaries] == [s.to_dict() for s in idx.summaries]
    assert list((tmp_path / ".cache" / "summaries").rglob("*.json"))


def test_summary_round_trips_and_bad_source_is_an_error_not_a_crash() -> None:
    s = summarize_source("def f(:\n", "bad.py", "bad")
    assert s.error.startswith("SyntaxError")
    good = summarize_source("X = []\ndef f(a):\n    X.append(a)\n", "m.py", "m")
    assert FileSummary.from_dict(good.to_dict()) == good
    assert good.writes[0].holder == "m.X" and good.writes[0].driver == "input"


def test_public_library_class_is_a_singleton_only_when_bound_once_at_module_level() -> None:
    idx = index(
        lib__conn="""
            class Handler:
                pass

            class Widget:
                pass

            handler = Handler()

            class Form:
                field = Widget()
        """,
    )
    assert idx.class_multiplicity("lib.conn.Handler") is ONCE
    # made in a class body at import, but a public class: users make their own
    assert idx.class_multiplicity("lib.conn.Widget") is UNKNOWN


def test_a_class_defined_below_the_function_that_makes_it_is_resolved() -> None:
    idx = index(svc="""
        def handle(request):
            return Worker()

        class Worker:
            pass

        for r in range(3):
            handle(r)
    """)
    assert idx.class_multiplicity("svc.Worker") is REPEATED


def test_scope_multiplicity_of_nested_functions_and_module_level() -> None:
    idx = index(app="""
        def serve(items):
            def each(item):
                return item
            return [each(i) for i in items]

        def boot():
            pass

        def _public_api():
            pass

        for x in range(3):
            serve(x)
        boot()
    """)
    assert idx.scope_multiplicity("app", "serve.each") is REPEATED
    assert idx.scope_multiplicity("app", "boot") is ONCE
    assert idx.scope_multiplicity("app", "") is ONCE
    assert idx.scope_multiplicity("app", "_public_api") is UNKNOWN
    assert idx.scope_multiplicity("app", "missing.inner") is UNKNOWN


def test_module_of_matches_absolute_and_display_paths(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "mod.py").write_text("X = 1\n")
    idx = build_index([str(tmp_path / "pkg" / "mod.py")])
    assert idx.module_of(str(tmp_path / "pkg" / "mod.py")) == "pkg.mod"
    assert idx.module_of("pkg/mod.py") == "pkg.mod"
    assert idx.module_of("elsewhere/other.py") == ""
    # the digest ignores line numbers but not structure
    before = idx.fingerprint()
    (tmp_path / "pkg" / "mod.py").write_text("\n\nX = 1\n")
    assert build_index([str(tmp_path / "pkg" / "mod.py")]).fingerprint() == before
    (tmp_path / "pkg" / "mod.py").write_text("X = 1\nCACHE = {}\ndef f(k):\n    CACHE[k] = 1\n")
    assert build_index([str(tmp_path / "pkg" / "mod.py")]).fingerprint() != before


@pytest.mark.parametrize("bad", [b"[" * 100000 + b"]" * 100000, b'["x"]', b'{"findings": []}', b"\xff\xfe not json"])
def test_a_summary_cache_entry_of_any_shape_is_a_miss_and_is_rewritten(tmp_path, bad) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "m.py").write_text("X = []\ndef f(a):\n    X.append(a)\n")
    cache = str(tmp_path / ".cache")
    first = build_index([str(tmp_path / "m.py")], cache_dir=cache)
    entries = list((tmp_path / ".cache" / "summaries").rglob("*.json"))
    assert entries
    for entry in entries:
        entry.write_bytes(bad)
    again = build_index([str(tmp_path / "m.py")], cache_dir=cache)
    assert [s.to_dict() for s in again.summaries] == [s.to_dict() for s in first.summaries]
    assert all(entry.read_bytes() != bad for entry in entries)  # rewritten



def test_an_edited_summary_or_digest_is_a_miss_and_is_rewritten(tmp_path) -> None:
    # well-formed but not what was written: an edited summary, another version's entry, a
    # truncated digest. Each is refused by its checksum or envelope, recomputed and rewritten.
    import json as _json

    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "m.py").write_text("X = []\ndef f(a):\n    X.append(a)\n")
    cache = str(tmp_path / ".cache")
    first = build_index([str(tmp_path / "m.py")], cache_dir=cache)
    entries = [p for p in (tmp_path / ".cache" / "summaries").rglob("*.json")]
    assert entries
    for edit in ("payload", "version"):
        for entry in entries:
            data = _json.loads(entry.read_text())
            if edit == "payload":
                summary = _json.loads(data["summary"])
                summary["writes"] = []  # the growth of X forgotten, the checksum left as it was
                data["summary"] = _json.dumps(summary, sort_keys=True)
            else:
                data["version"] = -1
            entry.write_text(_json.dumps(data))
        again = build_index([str(tmp_path / "m.py")], cache_dir=cache)
        assert [s.to_dict() for s in again.summaries] == [s.to_dict() for s in first.summaries], edit
        assert all(_json.loads(e.read_text())["version"] != -1 and _json.loads(_json.loads(e.read_text())["summary"])["writes"] for e in entries)
    from leaklint.analysis.project import SummaryCache

    sc = SummaryCache(cache)
    sc.put_digest("ab" * 32, "0" * 64)
    assert sc.get_digest("ab" * 32) == "0" * 64
    digest_file = tmp_path / ".cache" / "summaries" / "digests" / "ab" / ("ab" * 32)
    digest_file.write_text("1" * 64 + digest_file.read_text()[64:])  # another digest, old checksum
    assert sc.get_digest("ab" * 32) is None
    digest_file.write_text("0" * 64)  # no checksum
    assert sc.get_digest("ab" * 32) is None


# ------------------------------------------------------------------ the pass's own shortcuts
_SHORTCUTS_SOURCE = textwrap.dedent("""
    import atexit
    from .util import helper as h

    REGISTRY = {}
    COUNT = 0

    @decorate(1)
    def outer(a, *rest, key=None, **kw):
        global COUNT
        def inner(b):
            nonlocal a
            x = b
            class Local:
                y = 1
            return lambda z: (w := z)
        if a:
            def in_if():
                q = 1
        for item in rest:
            REGISTRY[item] = h(item)
        COUNT = 1
        atexit.register(inner)

    class Holder(Base):
        def __init__(self, n):
            self.items = []
            self.session = make_session()
        def add(self, v):
            self.items.append(v)
            del REGISTRY[v]
""")


def test_summary_to_dict_is_asdict() -> None:
    import dataclasses

    s = summarize_source(_SHORTCUTS_SOURCE, "pkg/mod.py", "pkg.mod")
    assert s.functions and s.classes and s.calls and s.writes and s.removals and s.registrations
    assert s.to_dict() == dataclasses.asdict(s)


def test_function_locals_and_declarations_match_a_walk_of_each_function() -> None:
    """The pass finds a function's `global` / `nonlocal` names (anywhere inside it) and the names
    its own body stores (not through a nested lambda, class or non-statement definition) in one
    walk; here against the two plain walks it replaces."""
    import ast

    from leaklint.analysis.project import _function_names

    def own_nodes(fn):
        stack = list(fn.body)
        while stack:
            node = stack.pop()
            yield node
            for child in ast.iter_child_nodes(node):
                if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                    stack.append(child)

    checked = 0
    for fn in ast.walk(ast.parse(_SHORTCUTS_SOURCE)):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        declared = {n for sub in ast.walk(fn) if sub is not fn and isinstance(sub, (ast.Global, ast.Nonlocal)) for n in sub.names}
        stored = {sub.id for sub in own_nodes(fn) if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store)}
        assert _function_names(fn)[:2] == (declared, stored), fn.name
        checked += 1
    assert checked == 5
    outer = summarize_source(_SHORTCUTS_SOURCE, "pkg/mod.py", "pkg.mod")
    assert [op.op for op in outer.removals if op.holder == "pkg.mod.COUNT"] == ["rebind"]


def test_the_model_is_solved_on_first_use_once() -> None:
    idx = index(app="""
        def run():
            pass

        if __name__ == "__main__":
            run()
    """)
    assert "_function_mult" not in vars(idx)  # building the index does not solve it
    idx.fingerprint()
    assert "_function_mult" not in vars(idx)  # nor does its digest
    assert idx.multiplicity("app.run") is ONCE
    solved = idx._function_mult
    idx.solve()
    assert idx._function_mult is solved and "app.run" in idx.call_sites
    with pytest.raises(AttributeError):
        idx.no_such_attribute


def test_an_unchanged_projects_digest_is_read_from_the_cache(tmp_path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "m.py").write_text("X = []\ndef f(a):\n    X.append(a)\n")
    cache = str(tmp_path / ".cache")
    first = build_index([str(tmp_path / "m.py")], cache_dir=cache, digest_salt="code-1")
    digest = first.fingerprint()
    assert digest == build_index([str(tmp_path / "m.py")]).fingerprint()  # what is stored is the digest

    def recomputed(self):
        raise AssertionError("recomputed")

    monkeypatch.setattr(ProjectIndex, "_digest", recomputed)
    assert build_index([str(tmp_path / "m.py")], cache_dir=cache, digest_salt="code-1").fingerprint() == digest
    # other code, or another file content: computed again
    for salt, text in (("code-2", "X = []\ndef f(a):\n    X.append(a)\n"), ("code-1", "X = []\n")):
        (tmp_path / "m.py").write_text(text)
        with pytest.raises(AssertionError, match="recomputed"):
            build_index([str(tmp_path / "m.py")], cache_dir=cache, digest_salt=salt).fingerprint()


def test_summaries_made_by_workers_are_the_same_in_the_same_order(tmp_path, monkeypatch) -> None:
    import leaklint.analysis.project as project

    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from .a import f\n")
    for n in range(6):
        (tmp_path / "pkg" / f"m{n}.py").write_text(f"X{n} = []\ndef f(a):\n    X{n}.append(a)\n")
    (tmp_path / "pkg" / "bad.py").write_text("def f(:\n")
    paths = [str(tmp_path / "pkg" / "m0.py")]
    serial = build_index(paths)
    monkeypatch.setattr(project, "PARALLEL_MIN_FILES", 1)
    cache = str(tmp_path / ".cache")
    for _ in range(2):  # all summaries made by the workers, then all read from the cache here
        parallel = build_index(paths, cache_dir=cache, digest_salt="s", jobs=2)
        assert [s.to_dict() for s in parallel.summaries] == [s.to_dict() for s in serial.summaries]
        assert parallel.fingerprint() == serial.fingerprint()
        assert parallel.digest_store is not None
    assert len(serial.summaries) == 8 and any(s.error for s in serial.summaries)


def test_instances_made_per_call_and_dropped_with_the_frame_are_transient() -> None:
    idx = index(dbg="""
        class Debugger:
            def run(self, frame):
                return frame

        class Kept:
            pass

        class Made:
            pass

        _kept = []

        def set_trace(frame=None):
            d = Debugger()
            d.run(frame)

        def keep():
            k = Kept()
            _kept.append(k)
            m = Made()
            return m

        def once():
            Kept().go()

        once()
    """)
    assert idx.makes_transient_instances("dbg.Debugger")
    # stored in a list, returned, or made only by once-per-process code: not transient
    assert not idx.makes_transient_instances("dbg.Kept")
    assert not idx.makes_transient_instances("dbg.Made")
    assert not idx.makes_transient_instances("dbg.Nowhere")


def test_frame_only_calls_come_from_the_same_walk() -> None:
    """The third answer of the one walk: calls whose result lives only in the frame (`C().m()`,
    or `x = C()` used only as `x.attr`), not one that is returned, passed on or rebound."""
    import ast

    from leaklint.analysis.project import _function_names

    fn = ast.parse(
        "def f(a):\n"
        "    C().run()\n"
        "    x = D()\n"
        "    x.start(); x.name\n"
        "    y = E()\n"
        "    keep(y)\n"
        "    z = F()\n"
        "    z = G()\n"
        "    def inner():\n"
        "        w = H()\n"
        "        w.go()\n"
    ).body[0]
    calls = {node.func.id: id(node) for node in ast.walk(fn) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    transient = _function_names(fn)[2]
    # `H()` too: a def that is a statement of the body counts as own (see the docstring), and
    # `w` lives only in that frame
    assert {name for name, ident in calls.items() if ident in transient} == {"C", "D", "H"}


def test_a_loose_script_is_a_project_of_its_siblings_not_of_the_tree_below(tmp_path) -> None:
    # no pyproject.toml / setup.cfg / VCS directory anywhere above: a script in a download or
    # home directory. Its project is the .py files beside it; a large tree under the same
    # directory is not summarized (it was, at the cost of every file in it, on every run).
    root = tmp_path / "downloads"
    deep = root / "some" / "unpacked" / "tree"
    deep.mkdir(parents=True)
    (root / "script.py").write_text("import helper\nhelper.go()\n")
    (root / "helper.py").write_text("def go():\n    pass\n")
    (deep / "other.py").write_text("X = 1\n")
    idx = build_index([str(root / "script.py")])
    assert {s.module for s in idx.summaries} == {"script", "helper"}
    assert [c for c, _ in idx.call_sites["helper.go"]] == ["<module script>"]
    # the same directory checked as a directory is walked whole, as the CLI walks it
    whole = build_index([str(root)])
    assert "some.unpacked.tree.other" in {s.module for s in whole.summaries}
    # with a marker the project is the marked tree, whatever path is checked
    (root / "pyproject.toml").write_text("[project]\nname='x'\n")
    marked = build_index([str(root / "script.py")])
    assert "some.unpacked.tree.other" in {s.module for s in marked.summaries}
