"""analysis.classes (what a class's methods do with `self`'s attributes, the class family),
analysis.calls (the CallNames fact) and borrow.Borrowers.lends, on small modules."""

import textwrap
from pathlib import Path
from typing import Any, Dict, List, Tuple

import libcst as cst

from leaklint.analysis.borrow import Borrowers
from leaklint.analysis.calls import CallNames
from leaklint.analysis.classes import (
    DYNAMIC,
    ModuleClasses,
    close_on_error_gap_in,
    defines,
    family_releases,
    module_family,
    released_attrs,
    self_names,
)
from leaklint.engine import lint_source
from tests.probes import probe_rule

CODE = cst.Module(body=[]).code_for_node


SEEN: Dict[str, Any] = {}


def _leave_module(rule: Any, node: cst.Module) -> None:
    SEEN["module"] = node
    SEEN["names"] = rule.fact(CallNames).names
    classes = rule.fact(ModuleClasses)
    SEEN["classes"] = classes.by_name
    # what `outside_base_may_release` said of each class where it stands
    SEEN["outside"] = {name: classes.outside[id(group[0])] for name, group in classes.by_name.items()}


# keeps the module and the CallNames and ModuleClasses facts
COLLECT = probe_rule("LL989", (CallNames, ModuleClasses), leave_Module=_leave_module)


def _module(source: str) -> Tuple[cst.Module, Dict[int, str], Dict[str, bool]]:
    SEEN.clear()
    lint_source(textwrap.dedent(source), "m.py", rules=[COLLECT])
    return SEEN["module"], SEEN["names"], SEEN.get("outside", {})


def _classes(module: cst.Module) -> Dict[str, List[cst.ClassDef]]:
    out: Dict[str, List[cst.ClassDef]] = {}
    for statement in module.body:
        if isinstance(statement, cst.ClassDef):
            out.setdefault(statement.name.value, []).append(statement)
    return out


def test_call_names_are_resolved_where_the_call_stands() -> None:
    module, names, _ = _module(
        """
        import contextlib as cl
        from io import open as io_open

        def f(p):
            return cl.closing(io_open(p)), unknown(p)
        """
    )
    assert sorted(names.values()) == ["contextlib.closing", "io.open"]


def test_released_attrs_reads_every_way_a_method_gives_an_attribute_up() -> None:
    module, names, _ = _module(
        """
        import contextlib

        class Holder:
            def __init__(this, p):
                this.a = open(p); this.b = open(p); this.c = open(p); this.d = open(p)
                this.e = open(p); this.f = open(p); this.g = open(p); this.kept = open(p)
                this.wrapped = open(p)

            def close(self):
                self.a.close()
                with self.b:
                    pass
                contextlib.closing(self.c)
                self.pool = [self.d]
                local = self.e
                local.close()
                self.wrapped = Wrapper(self.wrapped)
                print(self.kept)

            def take(self):
                return self.f

            def more(self):
                yield self.g
        """
    )
    holder = _classes(module)["Holder"][0]
    assert self_names(holder) == {"self", "this"}
    assert released_attrs(holder, names) == {"a", "b", "c", "d", "e", "f", "g"}
    # only the lifecycle methods: what `take()` / `more()` give away does not count
    assert released_attrs(holder, names, keep=lambda name: name == "close") == {"a", "b", "c", "d", "e"}


def test_released_attrs_gives_up_on_dynamic_access() -> None:
    module, names, _ = _module(
        """
        class Dynamic:
            def close(self):
                for name in ("a", "b"):
                    getattr(self, name).close()

        class Named:
            def close(self):
                getattr(self, "a").close()
        """
    )
    classes = _classes(module)
    assert released_attrs(classes["Dynamic"][0], names) == {DYNAMIC}
    assert released_attrs(classes["Named"][0], names) == set()


def test_family_and_outside_bases() -> None:
    module, names, outside = _module(
        """
        import threading
        import socketserver

        class Base:
            def close(self):
                self.sock.close()

        class Child(Base):
            def __init__(self):
                self.sock = open("x")

        class Mixin:
            pass

        class Both(Child, Mixin):
            pass

        class Alone(threading.Thread):
            def __init__(self):
                self.sock = open("x")

        class Served(socketserver.BaseServer):
            pass
        """
    )
    classes = _classes(module)
    assert SEEN["classes"] == classes
    family = {c.name.value for c in module_family(classes["Child"][0], classes)}
    assert family == {"Base", "Child", "Both", "Mixin"}
    # classes of the module and `threading.Thread` (known to release nothing) are not
    # outside bases that may release; `socketserver.BaseServer` may
    assert outside == {"Base": False, "Child": False, "Mixin": False, "Both": False, "Alone": False, "Served": True}
    outside_ids = {id(classes[name][0]): flag for name, flag in outside.items()}
    cache: Dict[int, set] = {}
    assert family_releases(classes["Child"][0], "sock", classes, outside_ids, names, cache)
    assert not family_releases(classes["Child"][0], "other", classes, outside_ids, names, cache)
    assert family_releases(classes["Served"][0], "anything", classes, outside_ids, names, cache)
    assert defines(classes["Child"][0], "__init__") and not defines(classes["Both"][0], "__init__")


def test_close_on_error_gap_in_the_cases_classes() -> None:
    # the close-on-error cases of LL401: a gap (finalize() after the try), no gap (finalize()
    # inside it), and a class that also closes its list in close()
    cases = Path(__file__).parent / "cases" / "resources"
    gaps = {}
    for name in ("invalid_close_on_error_list_with_an_unguarded_later_call", "valid_close_on_error_list_guarding_every_call"):
        module = cst.parse_module((cases / f"LL401_{name}.py").read_text())
        for cls in (s for s in module.body if isinstance(s, cst.ClassDef)):
            attr = "_open" if cls.name.value == "Batch" else "_files_to_close_on_error"
            gap = close_on_error_gap_in(cls, "self", attr)
            gaps[(name.split("_")[0], cls.name.value)] = (gap[0].name.value, gap[1], CODE(gap[2])) if gap else None
            assert close_on_error_gap_in(cls, "self", "items") is None
    assert gaps == {
        ("invalid", "MultiPartParser"): ("parse", "parser", "parser.finalize()"),
        ("valid", "MultiPartParser"): None,
        ("valid", "Batch"): None,
    }


def test_lends_tells_borrowed_kept_and_cached_apart() -> None:
    module, names, _ = _module(
        """
        def read_all(fp):
            return fp.read()

        class Keeps:
            def __init__(self, fp):
                self.fp = fp

        class ClosesInClose:
            def __init__(self, fp):
                self.fp = fp

            def close(self):
                self.fp.close()

        class ClosesInTokenize:
            cache = {}

            def __init__(self, fp):
                self.fp = fp

            def tokenize(self):
                self.fp.close()

            @classmethod
            def for_file(cls, key, fp):
                cls.cache[key] = cls(fp)

        class Finalised:
            def __init__(self, fp):
                self.fp = fp

            def __del__(self):
                pass

        def caller(fp):
            read_all(fp)
            Keeps(fp)
            ClosesInClose(fp)
            ClosesInTokenize(fp)
            Finalised(fp)
            other(fp)
        """
    )
    borrowers = Borrowers()
    borrowers.add_module(module)
    functions = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}
    caller = functions["caller"]
    answers = []
    for line in caller.body.body:
        call = line.body[0].value  # type: ignore[attr-defined]
        answers.append(borrowers.lends(call, call.args[0], caller, None, None, names))
    assert answers == ["borrowed", "kept unclosed", None, None, None, None]
    cached = _classes(module)["ClosesInTokenize"][0]
    for_file = [m for m in cached.body.body if isinstance(m, cst.FunctionDef) and m.name.value == "for_file"][0]
    store = for_file.body.body[0].body[0]  # type: ignore[attr-defined]
    call = store.value
    assert borrowers.lends(call, call.args[0], for_file, None, cached, names) == "kept cached"
