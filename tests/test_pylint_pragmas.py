"""pylint's block-level message control, as leaklint honours it for the rules whose check pylint
also has (`consider-using-with` / `R1732` for LL401 and LL402, `method-cache-max-size-none` /
`W1518` for LL103, ...): a pragma reaches exactly as far as pylint takes it."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path
from typing import Dict, List, Set

import pytest

from leaklint.engine import lint_source
from leaklint.pylint_pragmas import Scopes, pragmas

PROBES = sorted((Path(__file__).resolve().parent / "pylint_scopes").glob("*.py"))


def _eval_lines(source: str) -> Dict[int, bool]:
    """eval line -> whether pylint reports it (the `# <- reported` marker)."""
    return {
        n: "# <- reported" in line
        for n, line in enumerate(source.splitlines(), 1)
        if "eval(" in line and not line.lstrip().startswith("#")
    }


@pytest.mark.parametrize("probe", PROBES, ids=[p.stem for p in PROBES])
def test_scopes_match_what_pylint_reports(probe: Path) -> None:
    source = probe.read_text()
    expected = _eval_lines(source)
    assert any(expected.values()) and not all(expected.values())  # the probe tells both apart
    scopes = Scopes(source)
    ours = {n: not scopes.disabled(n, ["eval-used", "W0123"]) for n in expected}
    assert ours == expected
    # another message's pragmas do not count
    assert not any(scopes.disabled(n, ["consider-using-with"]) for n in expected)


@pytest.mark.skipif(not os.environ.get("LEAKLINT_PYLINT"), reason="set LEAKLINT_PYLINT to a pylint executable")
def test_probe_markers_are_what_a_live_pylint_reports() -> None:
    for probe in PROBES:
        run = subprocess.run(
            [os.environ["LEAKLINT_PYLINT"], "--disable=all", "--enable=eval-used", "--persistent=n", "--score=n", str(probe)],
            capture_output=True, text=True,
        )
        reported = {int(row.split(":")[1]) for row in run.stdout.splitlines() if "W0123" in row}
        assert reported == {n for n, yes in _eval_lines(probe.read_text()).items() if yes}, probe.name


def test_pragma_parsing() -> None:
    source = textwrap.dedent('''\
        x = 1  # pylint: disable=consider-using-with, W1518
        # pylint: disable-next=R1732 ; enable=unused-import
        y = 2  # type: ignore  # pylint:enable=Consider-Using-With
        z = 3 + \\
            4  # pylint: disable=eval-used
        s = "# pylint: disable=eval-used"
        ''')
    assert pragmas(source) == [
        (1, "disable", frozenset({"CONSIDER-USING-WITH", "W1518"})),
        (2, "disable-next", frozenset({"R1732"})),
        (3, "enable", frozenset({"CONSIDER-USING-WITH"})),
        (4, "disable", frozenset({"EVAL-USED"})),  # after a backslash: the line before, as pylint
    ]


LEAKY = '''\
import functools
import json


def own_line(path):
    # pylint: disable=consider-using-with
    first = json.load(open(path))
    if path:
        # pylint: enable=R1732
        return json.load(open(path))
    return first, json.load(open(path))


def next_line(path):
    # pylint: disable-next=consider-using-with
    first = json.load(open(path))
    return first, json.load(open(path))


def header(path):  # pylint: disable=consider-using-with
    return json.load(open(path))


def branch(path):
    try:  # pylint: disable=consider-using-with
        return json.load(open(path))
    except OSError:
        return json.load(open(path))


class Cached:  # pylint: disable=method-cache-max-size-none
    @functools.cache
    def lookup(self, key):
        return key


class Later:
    @functools.cache
    def early(self, key):
        return key

    # pylint: disable=method-cache-max-size-none
    @functools.cache
    def late(self, key):
        return key


# pylint: disable=consider-using-with
MODULE = json.load(open("x"))
'''


def _found(noqa: bool = True) -> List[tuple]:
    return sorted((f.line, f.code) for f in lint_source(LEAKY, "m.py", noqa=noqa))


def test_leaklint_findings_follow_pylint_scopes() -> None:
    found = _found()
    lines: Set[int] = {line for line, _ in found}
    assert 7 not in lines  # own-line disable: the rest of the function
    assert 10 in lines  # re-enabled in the `if` branch, by the message id
    assert 11 not in lines  # after the branch, still disabled
    assert 16 not in lines and 17 in lines  # disable-next: one line
    assert 21 in lines  # on `def f(path):` the signature takes the pragma, as in pylint
    assert 26 not in lines and 28 in lines  # `try:` covers the try body, not the handler
    assert (33, "LL103") not in found  # `class C:` covers the class
    assert (39, "LL103") in found and (45, "LL103") not in found  # from the pragma on
    assert 50 not in lines  # module level: to the end of the module
    assert {code for _, code in found} <= {"LL402", "LL103"}


def test_flake8_mode_reads_the_same_scopes() -> None:
    # under flake8 (noqa=False) leaklint still applies pylint's pragmas itself
    assert _found(noqa=False) == _found()


def test_without_pragmas_every_finding_is_reported() -> None:
    bare = "\n".join(line.split("  # pylint")[0] for line in LEAKY.splitlines() if "# pylint" not in line.lstrip()[:9]) + "\n"
    assert "pylint" not in bare
    assert len(lint_source(bare, "m.py")) > len(_found())
