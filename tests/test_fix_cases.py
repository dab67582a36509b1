"""Every fixable rule's cases with the source `--fix` must make of them (tests/fixes/), the
fixers' refusals, and the proof: the fixed fixture no longer leaks.

tests/fixes/LLxxx/<id>.fixed.py is what `--fix --unsafe-fixes` makes of the rule's case <id> (one
of its inline cases or a file in tests/cases/<family>/), and <id>.safe.py, when present, what
safe fixes alone make of it; a case that is not one of the rule's cases has its source beside
them as <id>.py."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, List, Mapping, Optional

import libcst as cst
import pytest

from case_files import all_cases
from leaklint import proof
from leaklint.cli import main
from leaklint.config import Config, merge_rule_options
from leaklint.engine import lint_file, lint_source
from leaklint.fix import FixOptions, check_source, fix_source
from leaklint.fixes import FIXERS, FixContext, fixable_codes
from leaklint.registry import rule_by_code
from leaklint.traverse import positions
from leaklint.types import Applicability

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "fixes"
FIXTURES = ROOT / "fixtures"
FIXED = sorted(CASES.glob("LL*/*.fixed.py"))


def before(fixed: Path) -> str:
    """The source a .fixed.py file is the fix of: <id>.py beside it, else the rule's case <id>."""
    return _source(fixed)[0]


def _source(fixed: Path) -> "tuple[str, Mapping[str, Any]]":
    """`before`'s source and the rule options it is linted with (a rule case's `options`: a
    form a rule reports only with an option is fixed with that option on)."""
    name = fixed.name[: -len(".fixed.py")]
    own = fixed.with_name(name + ".py")
    if own.exists():
        return own.read_text(), {}
    cases = [c for c in all_cases(rule_by_code(fixed.parent.name)) if c.id == name]
    assert len(cases) == 1, f"{fixed}: no source {own.name} and no case {name!r} of {fixed.parent.name}"
    return cases[0].code, cases[0].options


def _config(code: str, options: Mapping[str, Any]) -> Optional[Config]:
    if not options:
        return None
    rule = rule_by_code(code)
    return merge_rule_options(Config(), rule.section(), options, source=f"{code} case")


def _lint(code: str, options: Mapping[str, Any] = {}):  # type: ignore[no-untyped-def]
    rule = rule_by_code(code)
    config = _config(code, options)
    return lambda text: lint_source(text, "example.py", config, rules=[rule])


@pytest.mark.parametrize("fixed", FIXED, ids=[f"{p.parent.name}-{p.name[: -len('.fixed.py')]}" for p in FIXED])
def test_fix_case(fixed: Path) -> None:
    code = fixed.parent.name
    text, options = _source(fixed)
    assert f"# {code}" in text, "a case marks the lines its rule reports"
    expected = fixed.read_text()
    result = fix_source(text, _lint(code, options), FixOptions(unsafe=True))
    assert result.source == expected
    assert result.dropped == [] and result.converged
    assert check_source(result.source) is None
    # a second run changes nothing, and no fixed finding comes back
    again = fix_source(result.source, _lint(code, options), FixOptions(unsafe=True))
    assert again.source == result.source and again.applied == []
    assert len(result.remaining) == len(lint_source(text, "example.py", _config(code, options), rules=[rule_by_code(code)])) - len(result.applied)
    # safe fixes only: the .safe.py file when it differs, else the same result
    safe_file = fixed.with_name(fixed.name.replace(".fixed.py", ".safe.py"))
    safe = fix_source(text, _lint(code, options), FixOptions(unsafe=False))
    assert safe.source == (safe_file.read_text() if safe_file.exists() else expected)
    assert all(a.finding.fix is not None and a.finding.fix.applicability is Applicability.SAFE for a in safe.applied)


@pytest.mark.parametrize("code", fixable_codes())
def test_every_fixer_fixes_a_case(code: str) -> None:
    fixed = [p for p in CASES.glob(f"{code}/*.fixed.py") if p.read_text() != before(p)]
    assert fixed, f"no case in tests/fixes/{code} is changed by its fixer"


def test_fixers_listed_in_the_issue_exist() -> None:
    assert {"LL104", "LL106", "LL203", "LL302", "LL306", "LL401", "LL402", "LL403", "LL404", "LL503", "LL601"} <= set(fixable_codes())
    for code in fixable_codes():
        assert rule_by_code(code) is not None and FIXERS[code].safety


# ------------------------------------------------------------------------------ refusals
def _fix_for(code: str, source: str, pick):  # type: ignore[no-untyped-def]
    """Run `code`'s fixer on the node `pick(module)` chooses, as if the rule had reported it."""
    module = cst.parse_module(source)
    ctx = FixContext(module, source, positions(module))
    node = pick(module, ctx)
    return FIXERS[code].function(node, ctx)


def _call_named(name: str, nth: int = 0):  # type: ignore[no-untyped-def]
    def pick(module: cst.Module, ctx: FixContext) -> cst.CSTNode:
        calls: List[cst.Call] = [n for n in ctx.parents if isinstance(n, cst.Call) and ctx.code(n.func) == name]
        calls.sort(key=lambda n: ctx.positions[n][:2])
        return calls[nth]

    return pick


@pytest.mark.parametrize(
    "source",
    [
        "def f(p):\n    fh = open(p)\n    return fh\n",  # `with ... return f` would return a closed file
        "def f(p, keep):\n    fh = open(p)\n    keep.append(fh)\n    return fh.read()\n",
        "def f(p):\n    fh = open(p)\n    return lambda: fh.read()\n",
        "def f(p):\n    fh = open(p)\n    self.fh = fh\n",
        "def f(ps):\n    for p in ps:\n        fh = open(p)\n        fh.read()\n    fh.close()\n",  # used after the block
        "def f(p):\n    fh = open(p)\n    fh.read()\n    fh = open(p + '2')\n    fh.read()\n",  # re-bound
        "def f(cmd):\n    proc = subprocess.Popen(cmd)\n    return proc.pid\n",  # with Popen waits
        "def f(p):\n    fh = open(p); fh.read()\n",  # not a statement of its own
        "fh = open('x')\nfh.read()\n",  # module level
    ],
)
def test_ll401_no_fix(source: str) -> None:
    name = "subprocess.Popen" if "Popen" in source else "open"
    assert _fix_for("LL401", "import subprocess\n" + source, _call_named(name)) is None


def test_sqlite_with_is_never_the_fix() -> None:
    source = "import sqlite3\n\ndef f(db):\n    conn = sqlite3.connect(db)\n    conn.execute('x')\n"
    fix = _fix_for("LL401", source, _call_named("sqlite3.connect"))
    assert fix is not None
    assert "contextlib.closing(sqlite3.connect(db)) as conn" in "".join(e.content for e in fix.edits)


@pytest.mark.parametrize(
    "code, source, name",
    [
        ("LL404", "import threading\nL = threading.Lock()\n\ndef f():\n    L.acquire(timeout=1)\n    g()\n    L.release()\n", "L.acquire"),
        ("LL404", "import threading\nL = threading.Lock()\n\ndef f():\n    L.acquire()\n    g()\n", "L.acquire"),
        ("LL503", "import weakref\n\nclass A:\n    def f(self):\n        return weakref.proxy(self.f)\n", "weakref.proxy"),
        ("LL106", "def f(tasks, t):\n    tasks.append(t)\n", "tasks.append"),
        ("LL203", "import logging\n\ndef f(x):\n    return logging.getLogger('a.%s' % x)\n", "logging.getLogger"),
        ("LL203", "import logging\n\ndef f(x):\n    return logging.getLogger(f'{x}')\n", "logging.getLogger"),
        ("LL402", "def f(p):\n    return [line for line in open(p)]\n", "open"),
        ("LL302", "def f(log):\n    try:\n        g()\n    except E as e:\n        log.append(e)\n        raise\n", "log.append"),
        ("LL302", "def f(log):\n    try:\n        g()\n    except E as e:\n        log.append(e)\n        logger.exception('x')\n", "log.append"),
        ("LL302", "def f(log, q):\n    try:\n        g()\n    except E as e:\n        log.append(e)\n        q.put(e)\n", "log.append"),
        ("LL302", "def f():\n    last = None\n    for i in range(3):\n        try:\n            return g()\n        except E as e:\n            last = e\n    raise last\n", None),
        ("LL302", "def f(errors):\n    for g in gs:\n        try:\n            g()\n        except E as e:\n            errors.append(e)\n    raise ExceptionGroup('x', errors)\n", "errors.append"),
        ("LL302", "import sys\n\ndef f(log):\n    try:\n        g()\n    except E:\n        log.append(sys.exc_info())\n", "log.append"),
        ("LL402", "def f(p, ok):\n    return ok and open(p).read()\n", "open"),
        ("LL402", "import tempfile\n\ndef f():\n    return tempfile.TemporaryDirectory().name\n", "tempfile.TemporaryDirectory"),
    ],
)
def test_no_fix_where_it_needs_a_decision(code: str, source: str, name: Optional[str]) -> None:
    pick = _call_named(name) if name is not None else _first_assign_in_handler
    assert _fix_for(code, source, pick) is None


def _first_assign_in_handler(module: cst.Module, ctx: FixContext) -> cst.CSTNode:
    return next(n for n in ctx.parents if isinstance(n, cst.Assign) and any(isinstance(a, cst.ExceptHandler) for a in ctx.ancestors(n)))


# ------------------------------------------------------------------------------ the proof
PROOF_DIRS = [d for d in proof.fixture_dirs(FIXTURES) if d.name.split("_", 1)[0] in fixable_codes()]


@pytest.mark.parametrize("directory", PROOF_DIRS, ids=[d.name for d in PROOF_DIRS])
def test_fixed_fixture_no_longer_leaks(directory: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """`leaklint --fix` (with --unsafe-fixes when the rule's fix is unsafe) on a copy of the
    fixture's leaky program: the result is clean for the rule and its runtime proof measures
    it as not leaking."""
    code = directory.name.split("_", 1)[0]
    spec = proof.load_spec(directory)
    if spec.missing_requirements():
        pytest.skip(f"needs {', '.join(spec.missing_requirements())}")
    work = tmp_path / directory.name
    shutil.copytree(directory, work)
    target = work / "leaky.py"
    before = lint_file(str(target), Config(extend_select=(code,)))
    fixes = [f.fix for f in before if f.code == code]
    assert fixes and all(fixes), f"{code}: the fixture's finding has no fix"
    unsafe = any(fx.applicability is Applicability.UNSAFE for fx in fixes if fx is not None)
    monkeypatch.chdir(work)
    args = ["leaky.py", "--fix", "--no-cache", "--select", code, "-q", *(["--unsafe-fixes"] if unsafe else [])]
    assert main(args) == 0
    capsys.readouterr()
    fixed_text = target.read_text()
    assert fixed_text != (directory / "leaky.py").read_text()
    assert [f for f in lint_file(str(target), Config(extend_select=(code,))) if f.code == code] == []
    assert main(["leaky.py", "--fix", "--no-cache", "--select", code, "-q", "--unsafe-fixes"]) == 0
    assert target.read_text() == fixed_text, "a second --fix changed the file again"
    leaky = proof.measure(directory / "leaky.py", spec)[spec.metric]
    measured = proof.measure(target, spec)[spec.metric]
    assert leaky >= spec.threshold_leaky()
    assert measured <= spec.threshold_fixed(), f"the fixed program still leaks: {spec.metric}={measured}/call"
