"""Baselines end to end through `leaklint.cli.main`: --write-baseline records today's findings,
--baseline reports only new ones, the file is sorted JSON that diffs well, stale entries show up
under --statistics, and a bad baseline file is a usage error (exit 2)."""

from __future__ import annotations

import difflib
import json
import textwrap
from pathlib import Path
from typing import List, Tuple

import pytest

from leaklint import cli

HANDLER = textwrap.dedent('''\
    import functools


    class Handler:
        @functools.lru_cache(maxsize=None)
        def price(self, sku):
            return len(sku)

        @functools.cache
        def tax(self, sku):
            return 0.2
    ''')

REPORT = textwrap.dedent('''\
    from functools import cache


    class Report:
        @cache
        def total(self):
            return 1
    ''')


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "handler.py").write_text(HANDLER)
    (tmp_path / "pkg" / "report.py").write_text(REPORT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture, *argv: str) -> Tuple[int, str, str]:
    capsys.readouterr()
    rc = cli.main([*argv, "--no-cache", "-j", "1"])
    out, err = capsys.readouterr()
    return rc, out, err


def findings(capsys: pytest.CaptureFixture, *argv: str) -> Tuple[int, List[dict]]:
    rc, out, err = run(capsys, *argv, "--format", "json")
    return rc, json.loads(out)


def test_write_then_check_is_clean(project: Path, capsys: pytest.CaptureFixture) -> None:
    rc, before = findings(capsys, "pkg")
    assert rc == 1 and len(before) == 3
    rc, out, err = run(capsys, "pkg", "--write-baseline", "baseline.json")
    assert rc == 0 and "wrote 3 finding(s) to baseline.json" in err
    rc, after = findings(capsys, "pkg", "--baseline", "baseline.json")
    assert (rc, after) == (0, [])
    rc, out, err = run(capsys, "pkg", "--baseline", "baseline.json")
    assert rc == 0 and "no findings" in err and "3 known from the baseline" in err


def test_fingerprints_survive_lines_inserted_above(project: Path, capsys: pytest.CaptureFixture) -> None:
    run(capsys, "pkg", "--write-baseline", "baseline.json")
    _, old = findings(capsys, "pkg")
    handler = project / "pkg" / "handler.py"
    text = handler.read_text()
    # unrelated edits: a docstring and imports above, a new method above, reindented whitespace
    text = '"""Pricing."""\n\nimport os\nimport sys\n' + text
    text = text.replace("class Handler:\n", "class Handler:\n    def ping(self):\n        return os.getpid()\n\n")
    text = text.replace("def price(self, sku):", "def price(self,   sku):")
    handler.write_text(text)
    _, moved = findings(capsys, "pkg")
    assert sorted(f["line"] for f in moved) != sorted(f["line"] for f in old)
    assert sorted(f["fingerprint"] for f in moved) == sorted(f["fingerprint"] for f in old)
    rc, new = findings(capsys, "pkg", "--baseline", "baseline.json")
    assert (rc, new) == (0, [])


def test_second_identical_finding_in_same_scope_is_new(project: Path, capsys: pytest.CaptureFixture) -> None:
    source = textwrap.dedent('''\
        import functools

        FAST = True


        class Handler:
            if FAST:
                @functools.lru_cache(maxsize=None)
                def price(self, sku):
                    return 1
        ''')
    path = project / "pkg" / "handler.py"
    path.write_text(source)
    run(capsys, "pkg", "--write-baseline", "baseline.json")
    # the same method again, same scope (Handler.price), same flagged text: still a new finding
    path.write_text(source + textwrap.indent(textwrap.dedent('''\
        else:
            @functools.lru_cache(maxsize=None)
            def price(self, sku):
                return 2
        '''), "    "))
    rc, all_now = findings(capsys, "pkg/handler.py")
    assert len(all_now) == 2 and all_now[0]["scope"] == all_now[1]["scope"] == "Handler.price"
    assert all_now[0]["fingerprint"].split(":")[0] == all_now[1]["fingerprint"].split(":")[0]
    rc, new = findings(capsys, "pkg", "--baseline", "baseline.json")
    assert rc == 1 and [(f["path"], f["line"], f["code"]) for f in new] == [("pkg/handler.py", 13, "LL103")]


def test_same_text_in_another_scope_is_new(project: Path, capsys: pytest.CaptureFixture) -> None:
    run(capsys, "pkg", "--write-baseline", "baseline.json")
    path = project / "pkg" / "handler.py"
    path.write_text(HANDLER + "\n\n" + HANDLER.split("\n\n\n", 1)[1].replace("class Handler", "class Other"))
    rc, new = findings(capsys, "pkg", "--baseline", "baseline.json")
    assert rc == 1 and {f["scope"] for f in new} == {"Other.price", "Other.tax"}


def test_baseline_file_is_sorted_and_diff_friendly(project: Path, capsys: pytest.CaptureFixture) -> None:
    run(capsys, "pkg", "--write-baseline", "baseline.json")
    first = (project / "baseline.json").read_text()
    data = json.loads(first)
    assert data["version"] == 1 and set(data) == {"version", "generated_by", "findings"}
    entries = data["findings"]
    keys = [(e["path"], e["code"], e["scope"], e["fingerprint"]) for e in entries]
    assert keys == sorted(keys)
    for entry in entries:
        assert list(entry) == sorted(entry)  # keys sorted
        assert set(entry) == {"code", "fingerprint", "message", "path", "scope"}  # no line numbers
    assert first == json.dumps(data, indent=2, sort_keys=True) + "\n"  # one value per line
    # rewriting after unrelated edits changes nothing: no churn in review
    handler = project / "pkg" / "handler.py"
    handler.write_text("# a comment\n\n" + handler.read_text())
    run(capsys, "pkg", "--write-baseline", "baseline.json")
    assert (project / "baseline.json").read_text() == first
    # a new finding adds exactly its own entry's lines to the diff
    (project / "pkg" / "extra.py").write_text(REPORT.replace("class Report", "class Extra"))
    run(capsys, "pkg", "--write-baseline", "baseline.json")
    second = (project / "baseline.json").read_text()
    diff = [l for l in difflib.unified_diff(first.splitlines(), second.splitlines(), lineterm="", n=0) if l[:1] in "+-" and l[:3] not in ("+++", "---")]
    assert all(l.startswith("+") for l in diff), diff
    assert len(diff) == 7  # "{", five keys, "}," of one entry


def test_stale_entries_reported_with_statistics(project: Path, capsys: pytest.CaptureFixture) -> None:
    run(capsys, "pkg", "--write-baseline", "baseline.json")
    # fix Report.total
    (project / "pkg" / "report.py").write_text(REPORT.replace("    @cache\n", ""))
    rc, out, err = run(capsys, "pkg", "--baseline", "baseline.json", "--statistics")
    assert rc == 0
    assert "     1\tstale baseline entry (fixed since the baseline was written)" in out
    assert "pkg/report.py: LL103 in Report.total:" in out
    assert "Handler" not in out
    # without --statistics the run stays quiet about it
    rc, out, err = run(capsys, "pkg", "--baseline", "baseline.json")
    assert rc == 0 and "stale" not in out + err
    # in json format the statistics go to stderr, keeping stdout valid JSON
    rc, out, err = run(capsys, "pkg", "--baseline", "baseline.json", "--statistics", "--format", "json")
    assert json.loads(out) == [] and "stale baseline entry" in err
    # an entry for a file this run did not check is not stale
    rc, out, err = run(capsys, "pkg/handler.py", "--baseline", "baseline.json", "--statistics")
    assert "     0\tstale baseline entries" in out


def test_baseline_with_new_and_known_findings(project: Path, capsys: pytest.CaptureFixture) -> None:
    run(capsys, "pkg", "--write-baseline", "baseline.json")
    (project / "pkg" / "new.py").write_text(REPORT)
    rc, out, err = run(capsys, "pkg", "--baseline", "baseline.json")
    assert rc == 1
    assert out.splitlines() == [
        "pkg/new.py:6:9: LL103 cache on method Report.total keeps every instance it is called on alive for the life of the class"
    ]
    assert "3 known from the baseline" in err


@pytest.mark.parametrize(
    "content,message",
    [
        (None, "baseline file not found"),
        ("{not json", "cannot read baseline"),
        ("[]", "not a leaklint baseline (version 1)"),
        ('{"version": 2, "findings": []}', "not a leaklint baseline (version 1)"),
        ('{"version": 1, "findings": {}}', "not a leaklint baseline (version 1)"),
        ('{"version": 1, "findings": [{"path": "x.py"}]}', "malformed entry"),
        ('{"version": 1, "findings": ["abc"]}', "malformed entry"),
    ],
    ids=["missing", "invalid-json", "not-an-object", "wrong-version", "findings-not-a-list", "entry-without-fingerprint", "entry-not-an-object"],
)
def test_bad_baseline_file_is_exit_2(project: Path, capsys: pytest.CaptureFixture, content: str, message: str) -> None:
    if content is not None:
        (project / "baseline.json").write_text(content)
    rc, out, err = run(capsys, "pkg", "--baseline", "baseline.json")
    assert rc == 2 and out == ""
    assert err.startswith("leaklint: error: baseline.json: ") and message in err, err
    assert "Traceback" not in err
