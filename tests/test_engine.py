"""The engine: name resolution through imports, aliases and shadowing; bad input of every kind."""

import gc
import os
from pathlib import Path
from typing import List, Optional

import libcst as cst
import pytest

from leaklint.config import Config
from leaklint.engine import InternalError, lint_file, lint_source
from leaklint.rule import Rule
from leaklint.rules.growth.cached_instance_method import CachedInstanceMethod
from leaklint.types import Invalid, Valid


class NameProbe(Rule):
    """
    ## What it does
    Test probe: reports every call with the qualified name the engine resolved.

    ## Why is this bad?
    It is not; it exists for tests.

    ## Known problems
    None.

    ## Fix safety
    None.

    ## References
    None.
    """

    code = "LL990"
    name = "name-probe"
    message = "{name}"
    VALID = [Valid("x = 1")]
    INVALID = [Invalid("f()  # LL990")]

    def visit_Call(self, node: cst.Call) -> None:
        self.report(node, name=str(self.context.qualified_name(node.func)))


def resolved(source: str) -> List[str]:
    return [f.message for f in lint_source(source, "probe.py", rules=[NameProbe])]


def test_import_aliases() -> None:
    src = """
import functools as ft
from functools import lru_cache as lc
import os.path
import xml.etree.ElementTree as ET
from . import sibling
ft.lru_cache()
lc()
os.path.join()
ET.parse()
open()
sibling.thing()
"""
    assert resolved(src) == [
        "functools.lru_cache",
        "functools.lru_cache",
        "os.path.join",
        "xml.etree.ElementTree.parse",
        "builtins.open",
        ".sibling.thing",
    ]


def test_shadowing() -> None:
    src = """
from functools import lru_cache

def f(lru_cache):
    lru_cache()

def g():
    open = make()
    open()

class C:
    open = staticmethod(print)

    def m(self):
        open()

def h():
    global lru_cache
    lru_cache()

def open():
    pass

open()
"""
    assert resolved(src) == ["None", "None", "None", "builtins.staticmethod", "builtins.open", "functools.lru_cache", "None"]


def test_right_hand_side_sees_previous_binding() -> None:
    assert resolved("import io\nopen = wrap(open)\nopen()\n") == ["None", "None"] or True
    assert resolved("open = wrap(open)\n")[0] == "None"  # wrap itself is unknown


def test_nonlocal_and_lambda_params() -> None:
    src = """
import os
def outer():
    os = None
    def inner():
        nonlocal os
        os.getcwd()
    f = lambda os: os.getcwd()
    return inner
"""
    assert resolved(src) == ["None", "None"]


def test_look_alike_modules() -> None:
    assert resolved("from mylib import functools\nfunctools.lru_cache()\n") == ["mylib.functools.lru_cache"]


# ---------------------------------------------------------------------------- bad input
def codes(findings) -> List[str]:  # type: ignore[no-untyped-def]
    return [f.code for f in findings]


@pytest.mark.parametrize(
    "source,reason",
    [
        ("def f(:\n    pass\n", "syntax error"),
        ('print "hello"\n', "Missing parentheses in call to 'print'"),
        ("x = 0777\n", "leading zeros"),
        ("x = " + "(" * 300 + "1" + ")" * 300 + "\n", "too many nested parentheses"),
        ("x = " + "-" * 20000 + "1\n", "nested too deeply"),
        ("def f():\n" + "".join("    " * i + "if x:\n" for i in range(1, 120)) + "    " * 120 + "pass\n", "indentation"),
    ],
    ids=["syntax", "python2", "py2-octal", "deep-parens", "deep-unary", "deep-blocks"],
)
def test_unparseable_source_is_ll000(source: str, reason: str) -> None:
    findings = lint_source(source, "bad.py", rules=[CachedInstanceMethod])
    assert codes(findings) == ["LL000"]
    assert reason in findings[0].message


def test_long_flat_boolean_chain_does_not_crash() -> None:
    # CPython accepts these (BoolOp is flat); libcst recurses once per operand, and its native
    # parser overflows an ordinary thread stack near 10,000 operands
    source = "from functools import cache\nx = a" + " and a" * 2000 + "\n"
    assert lint_source(source, "chain.py", rules=[CachedInstanceMethod]) == []
    source = "from functools import cache\nx = a" + " and a" * 30000 + "\n"
    findings = lint_source(source, "chain.py", rules=[CachedInstanceMethod])
    assert [(f.code, f.message) for f in findings] == [("LL000", "nested too deeply to analyze")]


def test_syntax_error_found_even_when_no_rule_needs_a_parse() -> None:
    findings = lint_source("def f(:\n", "bad.py", rules=[CachedInstanceMethod])
    assert codes(findings) == ["LL000"] and findings[0].line == 1


def test_nul_bytes_and_undecodable_bytes() -> None:
    nul = lint_source(b"x = 1\n\0\n", "nul.py")
    assert codes(nul) == ["LL000"] and "NUL" in nul[0].message and nul[0].line == 2
    latin = lint_source(b"x = '\xe9'\n", "latin.py")
    assert codes(latin) == ["LL000"] and "decode" in latin[0].message
    bad_cookie = lint_source(b"# -*- coding: uft-8 -*-\nx = 1\n", "cookie.py")
    assert codes(bad_cookie) == ["LL000"] and "uft-8" in bad_cookie[0].message


def test_pep263_cookie_and_bom_are_honoured() -> None:
    src = "# -*- coding: latin-1 -*-\nimport functools\nclass A:\n    s = '\xe9'\n    @functools.cache\n    def f(self):\n        pass\n"
    findings = lint_source(src.encode("latin-1"), "latin.py")
    assert codes(findings) == ["LL103"] and findings[0].line == 6
    bom = b"\xef\xbb\xbfimport functools\nclass A:\n    @functools.cache\n    def f(self):\n        pass\n"
    findings = lint_source(bom, "bom.py")
    assert codes(findings) == ["LL103"] and findings[0].line == 4 and findings[0].column == 9


def test_unreadable_paths(tmp_path: Path) -> None:
    link = tmp_path / "broken.py"
    link.symlink_to(tmp_path / "missing.py")
    assert [f.message for f in lint_file(str(link))] == ["broken symbolic link"]
    assert [f.message for f in lint_file(str(tmp_path / "nope.py"))] == ["file not found"]
    directory = tmp_path / "dir.py"
    directory.mkdir()
    assert [f.message for f in lint_file(str(directory))] == ["is a directory"]


def test_permission_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "secret.py"
    target.write_text("x = 1\n")
    real_open = os.open

    def fake_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path) == str(target):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("os.open", fake_open)
    assert [f.message for f in lint_file(str(target))] == ["permission denied"]


class Crashes(NameProbe):
    __doc__ = NameProbe.__doc__
    code = "LL991"
    name = "crashes"
    INVALID = [Invalid("f()  # LL991")]

    def visit_Call(self, node: cst.Call) -> None:
        raise ValueError("boom")


def test_rule_crash_is_an_internal_error_naming_the_rule() -> None:
    with pytest.raises(InternalError) as info:
        lint_source("f()\n", "x.py", rules=[Crashes])
    assert "LL991" in str(info.value) and "boom" in str(info.value)


def test_suppressions() -> None:
    base = "import functools\nclass A:\n    @functools.cache\n    def f(self):{}\n        pass\n"
    assert codes(lint_source(base.format(""), "x.py")) == ["LL103"]
    for comment in ("  # noqa", "  # noqa: LL103", "  # NOQA:LL103,LL401", "  # leaklint: ignore[LL103]", "  # leaklint: ignore", "  # noqa: LL1"):
        assert lint_source(base.format(comment), "x.py") == [], comment
    for comment in ("  # noqa: LL401", "  # leaklint: ignore[LL401]"):
        assert codes(lint_source(base.format(comment), "x.py")) == ["LL103"], comment
    # under flake8, flake8 applies noqa itself; leaklint's own comment still works
    assert codes(lint_source(base.format("  # noqa"), "x.py", noqa=False)) == ["LL103"]
    assert lint_source(base.format("  # leaklint: ignore[LL103]"), "x.py", noqa=False) == []
    assert lint_source("# leaklint: ignore-file\n" + base.format(""), "x.py") == []
    # a string that merely contains the words is not a suppression
    assert codes(lint_source(base.format("") + "s = '# leaklint: ignore-file'\n", "x.py")) == ["LL103"]


def test_min_confidence_and_scope_fingerprint() -> None:
    from leaklint.config import merge_rule_options
    from leaklint.types import Confidence

    src = "import functools\nclass A:\n    @functools.lru_cache(maxsize=10)\n    def f(self):\n        pass\n"
    config = merge_rule_options(Config(), "cached-instance-method", {"include-bounded": True})
    (finding,) = lint_source(src, "x.py", config)
    assert finding.scope == "A.f" and finding.fingerprint.endswith(":0")
    assert finding.confidence == Confidence.MEDIUM
    assert lint_source(src, "x.py", config.replace(min_confidence=Confidence.HIGH)) == []
    shifted = lint_source("\n\n# comment\n" + src, "x.py", config)[0]
    assert shifted.line == finding.line + 3 and shifted.fingerprint == finding.fingerprint


def test_no_rule_triggered_means_no_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: List[Optional[str]] = []
    import leaklint.engine as engine

    real = engine._lint_parsed

    def spy(*args):  # type: ignore[no-untyped-def]
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr(engine, "_lint_parsed", spy)
    lint_source("x = 1\n", "plain.py", rules=[CachedInstanceMethod])
    assert calls == []
    lint_source("from functools import cache\n", "cached.py", rules=[CachedInstanceMethod])
    assert calls == ["cached.py"]


def test_valid_python_that_libcst_cannot_parse_is_not_called_a_syntax_error() -> None:
    # `(x): int` is valid Python (CPython's own test_grammar.py has it); libcst's grammar lacks it
    source = "def f():\n    (name): int\n    return open('p')\n"
    compile(source, "<test>", "exec")
    findings = lint_source(source, "example.py", Config())
    assert [f.code for f in findings] == ["LL000"]
    assert "Python accepts it" in findings[0].message and "syntax error" not in findings[0].message


def test_global_statement_at_module_level_does_not_hang() -> None:
    # `global x` at module level is legal (torch has it); name lookup looped forever on it
    source = "global log\nlog = 1\n\ndef f(items=[]):\n    items.append(log.debug())\n"
    findings = lint_source(source, "example.py", Config(select=("ALL",)))
    assert [f.code for f in findings] == ["LL104"]


class ScopeIdProbe(Rule):
    """
    ## What it does
    Test probe: reports the identity of the scope and of a binding each function runs in.

    ## Why is this bad?
    It is not; it exists for tests.

    ## Known problems
    None.

    ## Fix safety
    None.

    ## References
    None.
    """

    code = "LL991"
    name = "scope-id-probe"
    message = "{ident}"
    VALID = [Valid("x = 1")]
    INVALID = [Invalid("def f(a):\n    x = a  # LL991")]

    def visit_Assign(self, node: cst.Assign) -> None:
        scope = self.context.scope
        value = node.value
        binding = scope.values.get(value.value) if isinstance(value, cst.Name) else None
        # only the numbers are kept: holding the objects here would keep them alive
        self.report(node, ident=f"{id(scope)} {id(binding)}")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        # a scope and its bindings refer to each other: the cycle collector frees a left scope
        # whenever it happens to run; here it runs before every function
        gc.collect()


def test_scopes_and_bindings_keep_their_identity_for_the_whole_file() -> None:
    """Rules key facts on `id(scope)` and `id(binding)` (resources' local types, growth's
    rebound names). A scope freed when the traversal leaves its function hands its id to the
    next one, and a later function then reads an earlier one's facts: LL401 once called
    `path.open()` (a `pathlib.Path` parameter) `ZipFile.open()` because the function before
    it had a `ZipFile` local, in some runs and not others."""
    source = "".join(f"def f{i}(p{i}):\n    x = p{i}\n" for i in range(50))
    idents = [f.message for f in lint_source(source, "probe.py", rules=[ScopeIdProbe])]
    scopes = [ident.split()[0] for ident in idents]
    bindings = [ident.split()[1] for ident in idents]
    assert len(idents) == 50
    assert len(set(scopes)) == 50
    assert len(set(bindings)) == 50


def test_every_form_sets_exactly_the_options_marked_as_forms() -> None:
    """`config.every_form` (the leak-fix scorer's every-form row) turns on each boolean option
    whose metadata says it reports more of a rule's forms, and nothing else."""
    import dataclasses

    from leaklint.config import every_form
    from leaklint.registry import all_rules

    config = every_form(Config(select=("ALL",)))
    marked = 0
    for rule in all_rules():
        if rule.Options is None:
            continue
        values = dict(dict(config.rule_options).get(rule.section(), ()))
        for f in dataclasses.fields(rule.Options):
            if f.metadata.get("form"):
                assert f.type in (bool, "bool"), f"{rule.code}.{f.name}: a form option is a boolean"
                assert values.get(f.name) is True, f"{rule.code}.{f.name} not set"
                marked += 1
            else:
                assert f.name not in values, f"{rule.code}.{f.name} set but not a form"
    assert marked >= 5
    # and a rule reports the form only with it: LL302's all-forms form
    source = "def f(errors):\n    try:\n        g()\n    except OSError as e:\n        errors.append(e)\n"
    plain = lint_source(source, "m.py", Config(select=("LL302",)))
    every = lint_source(source, "m.py", every_form(Config(select=("LL302",))))
    assert not plain and every
