"""The result cache: hits, every kind of invalidation, concurrent writers, unwritable dirs."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import List

import pytest

from leaklint import runner
from leaklint.config import Config
from leaklint.runner import Cache, check_files

ROOT = Path(__file__).resolve().parent.parent

LEAKY = """\
import functools

class Service:
    @functools.lru_cache(maxsize=None)
    def lookup(self, key):
        return key
"""
CLEAN = """\
import functools

class Service:
    @functools.cached_property
    def lookup_x(self):
        return 1
"""
assert len(LEAKY) != len(CLEAN)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"leaky{i}.py").write_text(LEAKY)
        (src / f"clean{i}.py").write_text(CLEAN)
    return tmp_path


def files(tree: Path) -> List[str]:
    return sorted(str(p.relative_to(tree)) for p in (tree / "src").glob("*.py"))


def run(paths: List[str], cache_dir: str, config: Config = Config(), jobs: int = 1):  # type: ignore[no-untyped-def]
    return list(check_files(paths, config, jobs, cache_dir))


def summary(results) -> List[tuple]:  # type: ignore[no-untyped-def]
    return [(r.path, [(f.code, f.line, f.message) for f in r.findings], r.error) for r in results]


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test count as settled (not modified within the racy window)."""
    real = time.time
    monkeypatch.setattr(runner.time, "time", lambda: real() + 3600)


def no_linting(monkeypatch: pytest.MonkeyPatch) -> None:
    from leaklint import engine

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("linted although the index should have answered")

    monkeypatch.setattr(engine, "lint_source", fail)


def test_second_run_is_served_from_the_index(tree: Path, settled: None, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = files(tree)
    cold = run(paths, "cache")
    assert not any(r.cached for r in cold)
    assert sum(len(r.findings) for r in cold) == 3
    index = Cache("cache", Config()).load_index()
    assert sorted(index) == [p.replace(os.sep, "/") for p in paths]
    no_linting(monkeypatch)
    warm = run(paths, "cache")
    assert all(r.cached for r in warm)
    assert summary(warm) == summary(cold)
    assert [f.fingerprint for r in warm for f in r.findings] == [f.fingerprint for r in cold for f in r.findings]


def test_content_entries_answer_when_the_stat_changed(tree: Path, settled: None, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = files(tree)
    cold = run(paths, "cache")
    for p in paths:
        os.utime(p, (1_000_000, 1_000_000))  # same bytes, new stat: read and hashed, not linted
    no_linting(monkeypatch)
    warm = run(paths, "cache")
    assert all(r.cached for r in warm)
    assert summary(warm) == summary(cold)


def test_changed_content_is_linted_again(tree: Path, settled: None) -> None:
    paths = files(tree)
    run(paths, "cache")
    target = tree / "src" / "leaky0.py"
    before = os.stat(target)
    time.sleep(0.05)
    target.write_text(CLEAN + "\n" * (len(LEAKY) - len(CLEAN)) if len(LEAKY) > len(CLEAN) else CLEAN)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime, as `cp -p` would
    results = {r.path: r for r in run(paths, "cache")}
    assert results["src/leaky0.py"].findings == []
    assert not results["src/leaky0.py"].cached
    assert len(results["src/leaky1.py"].findings) == 1


def test_recently_modified_files_are_not_trusted_by_stat(tree: Path) -> None:
    # no `settled`: the files were just written, so a same-size rewrite in the same clock tick
    # could keep the stat; they must go by content
    paths = files(tree)
    run(paths, "cache")
    assert Cache("cache", Config()).load_index() == {}
    target = tree / "src" / "leaky0.py"
    before = os.stat(target)
    target.write_text(LEAKY.replace("lookup", "lookuq"))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    results = {r.path: r for r in run(paths, "cache")}
    assert "lookuq" in results["src/leaky0.py"].findings[0].message


def test_changed_config_misses(tree: Path, settled: None) -> None:
    paths = files(tree)
    assert sum(len(r.findings) for r in run(paths, "cache")) == 3
    ignored = run(paths, "cache", Config(ignore=("LL103",)))
    assert not any(r.cached for r in ignored)
    assert sum(len(r.findings) for r in ignored) == 0
    high = Config(min_confidence=Config().min_confidence.__class__.HIGH)
    assert Cache("cache", high).salt != Cache("cache", Config()).salt
    opts = Config(rule_options=(("cached-instance-method", (("x", 1),)),))
    assert Cache("cache", opts).salt != Cache("cache", Config()).salt
    pfi = Config(per_file_ignores=(("src/*", ("LL103",)),), root=str(tree))
    assert Cache("cache", pfi).salt != Cache("cache", Config()).salt
    # and back: the first configuration's entries are still there
    assert all(r.cached for r in run(paths, "cache"))


def test_new_leaklint_version_misses(tree: Path, settled: None, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = files(tree)
    run(paths, "cache")
    monkeypatch.setattr(runner, "__version__", "999.0")
    results = run(paths, "cache")
    assert not any(r.cached for r in results)
    assert sum(len(r.findings) for r in results) == 3


def test_edited_leaklint_code_changes_the_salt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "pkg"
    (package / "rules").mkdir(parents=True)
    (package / "runner.py").write_text("")
    rule = package / "rules" / "some_rule.py"
    rule.write_text("x = 1\n")
    monkeypatch.setattr(runner, "__file__", str(package / "runner.py"))
    first = runner.code_fingerprint()
    assert runner.code_fingerprint() == first
    rule.write_text("x = 22\n")
    assert runner.code_fingerprint() != first
    second = runner.code_fingerprint()
    (package / "rules" / "new_rule.py").write_text("")
    assert runner.code_fingerprint() != second


def test_python_version_is_part_of_the_salt(monkeypatch: pytest.MonkeyPatch) -> None:
    first = runner.code_fingerprint()
    monkeypatch.setattr(runner.sys, "version", "3.99.0 (test)")
    assert runner.code_fingerprint() != first


def _writer(args) -> List[tuple]:  # type: ignore[no-untyped-def]
    cwd, paths, jobs = args
    os.chdir(cwd)
    real = time.time
    runner.time.time = lambda: real() + 3600  # type: ignore[assignment]
    return summary(run(paths, "cache", jobs=jobs))


def _writer_to(queue, args) -> None:  # type: ignore[no-untyped-def]
    queue.put(_writer(args))


def test_concurrent_writers(tree: Path) -> None:
    paths = files(tree)
    for i in range(20):
        (tree / "src" / f"more{i}.py").write_text(LEAKY if i % 2 else CLEAN)
    paths = files(tree)
    expected = summary(list(check_files(paths, Config(), 1, None)))
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    # separate (non-daemon) processes: some of them run a process pool of their own
    procs = [ctx.Process(target=_writer_to, args=(queue, (str(tree), paths, 1 + i % 2))) for i in range(6)]
    for p in procs:
        p.start()
    outcomes = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(60)
    assert all(o == expected for o in outcomes)
    index_file = Cache("cache", Config()).index_path
    json.loads(Path(index_file).read_text())  # whole, never half written
    leftovers = [p for p in Path("cache").rglob(".tmp-*")]
    assert leftovers == []
    assert _writer((str(tree), paths, 1)) == expected


def test_unwritable_cache_dir_still_lints(tree: Path, settled: None) -> None:
    (tree / "not-a-dir").write_text("")
    paths = files(tree)
    expected = summary(run(paths, "", Config()))
    for attempt in range(2):
        results = run(paths, str(tree / "not-a-dir" / "cache"))
        assert summary(results) == expected
        assert not any(r.cached for r in results)


def test_corrupt_index_and_entries_are_ignored(tree: Path, settled: None) -> None:
    paths = files(tree)
    expected = summary(run(paths, "cache"))
    cache = Cache("cache", Config())
    Path(cache.index_path).write_text("{not json")
    for entry in Path(cache.directory).rglob("*.json"):
        if not entry.name.startswith("index-"):
            entry.write_text('[{"path": 1}]')
    assert summary(run(paths, "cache")) == expected
    Path(cache.index_path).write_text(json.dumps({"salt": cache.salt, "files": {paths[0]: [1, 2]}}))
    assert summary(run(paths, "cache")) == expected


def test_warm_cli_run_does_not_import_libcst(tree: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = (
        "import sys, time\n"
        "from leaklint import runner\n"
        "real = time.time\n"
        "runner.time.time = lambda: real() + 3600\n"
        "from leaklint.cli import main\n"
        "rc = main(['--cache-dir', 'cache', '-q', 'src'])\n"
        "print(rc, 'libcst' in sys.modules, 'leaklint.engine' in sys.modules)\n"
    )
    first = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True)
    assert first.stdout.splitlines()[-1] == "1 True True", first.stderr
    assert second.stdout.splitlines()[-1] == "1 False False", second.stderr
    assert first.stdout.splitlines()[:-1] == second.stdout.splitlines()[:-1]


def _cli(tree: Path, *argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = (
        "import sys, time\n"
        "from leaklint import runner\n"
        "real = time.time\n"
        "runner.time.time = lambda: real() + 3600\n"
        "from leaklint.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "print(rc, 'libcst' in sys.modules)\n"
    )
    return subprocess.run([sys.executable, "-c", code, *argv], cwd=tree, env=env, capture_output=True, text=True)


def test_exact_codes_in_the_config_do_not_load_the_rules_on_a_warm_run(tree: Path) -> None:
    (tree / "pyproject.toml").write_text('[tool.leaklint]\nignore = ["LL103"]\n')
    first = _cli(tree, "--cache-dir", "cache", "--extend-select", "LL103", "src")
    second = _cli(tree, "--cache-dir", "cache", "--extend-select", "LL103", "src")
    assert first.stdout.splitlines()[-1] == "0 True", first.stderr
    assert second.stdout.splitlines()[-1] == "0 False", second.stderr


@pytest.mark.parametrize("cached", [False, True], ids=["cold", "warm"])
def test_unknown_codes_are_still_errors(tree: Path, cached: bool) -> None:
    if cached:
        _cli(tree, "--cache-dir", "cache", "src")
    bad = _cli(tree, "--cache-dir", "cache", "--ignore", "LL999", "src")
    assert bad.stdout.splitlines()[-1].startswith("2 "), bad.stdout
    assert "unknown rule code 'LL999'" in bad.stderr
    (tree / "empty").mkdir()
    empty = _cli(tree, "--cache-dir", "cache", "--select", "LL998", "empty")
    assert "unknown rule code 'LL998'" in empty.stderr and empty.stdout.startswith("2 ")
    # the config file's unknown code is reported before a bad flag, as without deferral
    (tree / "pyproject.toml").write_text('[tool.leaklint]\nselect = ["LL997"]\n')
    both = _cli(tree, "--cache-dir", "cache", "--ignore", "XX1", "src")
    assert "unknown rule code 'LL997'" in both.stderr and "XX1" not in both.stderr
    listing = _cli(tree, "--list-rules")
    assert "unknown rule code 'LL997'" in listing.stderr
