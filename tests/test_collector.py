"""leaklint.collector: the cyclic collector paused for one file's analysis, then as it was."""

import gc

import leaklint.engine as engine
from leaklint.collector import paused
from leaklint.config import Config


def test_paused_turns_the_collector_off_and_restores_it():
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_caller_that_had_it_off_keeps_it_off_and_errors_restore_it():
    gc.disable()
    try:
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
    try:
        with paused():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.isenabled()


def test_linting_a_file_runs_with_the_collector_paused_and_restores_it(monkeypatch):
    seen = []
    original = engine._lint_parsed_unpaused

    def spy(*args):
        seen.append(gc.isenabled())
        return original(*args)

    monkeypatch.setattr(engine, "_lint_parsed_unpaused", spy)
    found = engine.lint_source("def f(p):\n    fh = open(p)\n    return fh.read()\n", "m.py", Config())
    assert [f.code for f in found] == ["LL401"]
    assert seen == [False]
    assert gc.isenabled()


def test_cycles_made_while_paused_are_collected_afterwards():
    import weakref

    class Node:
        pass

    with paused():
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle, unreachable once the names go
        probe = weakref.ref(a)
        del a, b
        assert probe() is not None  # not collected while paused
    gc.collect()
    assert probe() is None
