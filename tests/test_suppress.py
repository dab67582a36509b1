"""Suppression comments beyond the basics in test_engine: statements spread over several
physical lines behave as under flake8 (the CLI and the flake8 plugin suppress the same
findings), and `# leaklint: ignore[...]` is parsed strictly."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import List, Set, Tuple

import pytest

from leaklint.config import Config
from leaklint.engine import lint_source
from leaklint.suppress import suppressions

ROOT = Path(__file__).resolve().parent.parent

BACKSLASH = textwrap.dedent('''\
    import functools


    class Handler:
        @functools.lru_cache(maxsize=None)
        def price(self, \\
                  sku):  # noqa: LL103
            return sku
    ''')

BACKSLASH_IGNORE = BACKSLASH.replace("# noqa: LL103", "# leaklint: ignore[LL103]")

# a comment after the closing bracket of a bracketed continuation does not reach the first line
# (flake8 treats each physical line of a bracketed statement separately)
BRACKETED = textwrap.dedent('''\
    import functools


    class Handler:
        @functools.lru_cache(maxsize=None)
        def price(
            self, sku
        ):  # noqa: LL103
            return sku
    ''')


def lines(source: str, noqa: bool = True) -> List[int]:
    return [f.line for f in lint_source(source, "x.py", noqa=noqa)]


def test_comment_covers_every_line_of_a_backslash_continued_statement() -> None:
    assert lines(BACKSLASH.replace("  # noqa: LL103", "")) == [6]
    assert lines(BACKSLASH) == []
    assert lines(BACKSLASH_IGNORE) == []
    assert lines(BACKSLASH_IGNORE, noqa=False) == []
    assert lines(BRACKETED) == [6]


def test_multi_line_string_spans_its_lines() -> None:
    table = suppressions('x = """\na\nb\n"""  # noqa: LL401\ny = 1  # noqa\n')
    assert table == {1: frozenset({"LL401"}), 2: frozenset({"LL401"}), 3: frozenset({"LL401"}), 4: frozenset({"LL401"}), 5: frozenset({"*"})}


def _flake8_rows(directory: Path, *extra: str) -> Set[Tuple[str, int, str]]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LL", "--format", "%(path)s:%(row)d:%(code)s", *extra, "."],
        cwd=directory, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return {(os.path.normpath(p), int(r), c) for p, r, c in (line.split(":") for line in proc.stdout.splitlines())}


def test_cli_and_flake8_agree_on_multi_line_statements(tmp_path: Path) -> None:
    for name, source in [("backslash.py", BACKSLASH), ("ignore.py", BACKSLASH_IGNORE), ("bracketed.py", BRACKETED)]:
        (tmp_path / name).write_text(source)
    cli = {(name, f.line, f.code) for name in ("backslash.py", "ignore.py", "bracketed.py") for f in lint_source((tmp_path / name).read_text(), name)}
    assert cli == {("bracketed.py", 6, "LL103")}
    assert _flake8_rows(tmp_path) == cli


@pytest.mark.parametrize(
    "comment,suppressed",
    [
        ("# leaklint: ignore[LL103]", True),
        ("# leaklint: ignore [LL103]", True),
        ("# leaklint: ignore[LL401] ", False),
        ("# leaklint: ignore [LL401]", False),  # was: the space made it a bare ignore of every code
        ("# leaklint: ignore[LL1]", True),
        ("# leaklint: ignore[ll103]", True),
        ("# leaklint: ignore", True),
        ("# leaklint: ignored", False),
        ("# leaklint: ignore-file", False),  # only on a line of its own, and then for the file
        ("# leaklint: ignore[LL401, LL103]", True),
        ("# noqa:LL103", True),
        ("# noqa: LL401", False),
    ],
)
def test_ignore_comment_forms(comment: str, suppressed: bool) -> None:
    source = BRACKETED.replace("):  # noqa: LL103", "):").replace("def price(", f"def price(  {comment}")
    assert lines(source) == ([] if suppressed else [6]), source


def test_ignore_file_only_in_a_real_comment() -> None:
    leaky = BRACKETED.replace("):  # noqa: LL103", "):")
    assert lines("# leaklint: ignore-file\n" + leaky) == []
    assert lines(leaky + "    # leaklint: ignore-file  (generated code)\n") == []
    documented = '"""How to switch leaklint off for a file:\n\n# leaklint: ignore-file\n"""\n'
    assert len(lines(documented + leaky)) == 1
    # a broken file that says so is still skipped (nothing to tokenize reliably)
    assert lint_source("# leaklint: ignore-file\ndef f(:\n", "x.py") == []


PEERS = '''import functools
import json


class A:
    @functools.lru_cache(maxsize=None)  # noqa: B019
    def a(self, x):
        return x

    @property
    @functools.cache  # pylint: disable=method-cache-max-size-none
    def b(self):
        return 1

    @functools.cache  # noqa: E501
    def c(self, x):
        return x

    @functools.cache  # noqa
    def d(self, x):
        return x

    @functools.cache
    def e(self, x):  # noqa: B019
        return x

    @functools.cache  # noqa: B019
    # another tool's comment between decorator and def
    def f(self):
        return 1


def load(p):
    return json.load(open(p))  # pylint: disable=unused-variable, consider-using-with


def save(p):
    open(p, "w").write("x")  # noqa: B006
'''


def test_a_peers_suppression_of_the_same_check_counts(tmp_path: Path) -> None:
    # B019 / W1518 are LL103's peers (reported by bugbear and ruff on the decorator), SIM115 /
    # R1732 LL402's; another code (E501, B006 on a resource) or a bare noqa on the decorator
    # line, which flake8 would not apply to the function's line either, suppresses nothing.
    cli = [(f.line, f.code) for f in lint_source(PEERS, "peers.py")]
    assert cli == [(16, "LL103"), (20, "LL103"), (38, "LL402")]
    (tmp_path / "peers.py").write_text(PEERS)
    assert _flake8_rows(tmp_path) == {("peers.py", line, code) for line, code in cli}


ALL_RULES = Config(select=("ALL",))  # LL104 and LL306 are opt-in

PEER_LINES = '''import functools


def accumulate(  # pylint: disable=dangerous-default-value
    item,
    seen=[],
):
    seen.append(item)
    return seen


def callbacks(handlers):
    out = []
    for name in handlers:
        out.append(
            lambda: print(
                name  # noqa: B023
            )
        )
    return out


class Handler:
    @functools.lru_cache(  # noqa: B019
        maxsize=None
    )
    def price(self, sku):
        return len(sku)
'''


def test_a_peers_comment_on_the_line_the_peer_reports_counts() -> None:
    # bugbear reports B023 on the loop variable inside the lambda, B019 on the first line of a
    # decorator written over several lines, pylint W0102 on the `def` line of a signature over
    # several lines; leaklint reports the lambda, the `def` and the default: the peer's comment
    # where the peer reports suppresses the leaklint finding too
    assert [(f.line, f.code) for f in lint_source(PEER_LINES, "m.py", ALL_RULES, noqa=False)] == []
    assert [(f.line, f.code) for f in lint_source(PEER_LINES, "m.py", ALL_RULES)] == []
    bare = PEER_LINES.replace("  # pylint: disable=dangerous-default-value", "").replace("  # noqa: B023", "").replace("  # noqa: B019", "")
    assert sorted(f.code for f in lint_source(bare, "m.py", ALL_RULES)) == ["LL103", "LL104", "LL306"]
    # a bare noqa inside the lambda is about that line, and another code suppresses nothing
    for comment in ("  # noqa", "  # noqa: E501", "  # pylint: disable=unused-variable"):
        text = bare.replace("                name\n", f"                name{comment}\n")
        assert [f.code for f in lint_source(text, "m.py", ALL_RULES) if f.code == "LL306"] == ["LL306"], comment
    # bugbear's B006 is on the default's line, not the def line
    text = bare.replace("def accumulate(", "def accumulate(  # noqa: B006")
    assert [f.code for f in lint_source(text, "m.py", ALL_RULES) if f.code == "LL104"] == ["LL104"]
