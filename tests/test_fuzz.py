"""A short run of the fuzzing harness (tests/fuzz.py); the long run is `python -m tests.fuzz
--count 100000`."""

from __future__ import annotations

import pytest

from leaklint import engine
try:
    from tests import fuzz
except ImportError:  # tests/ itself on sys.path (pytest's default import mode)
    import fuzz  # type: ignore[no-redef]


def test_short_fuzz_run_has_no_escape() -> None:
    ran, failures = fuzz.run(count=120, seed=11, hypothesmith_share=0.25, time_bound=60.0, out=None, report_every=0)
    assert ran == 120
    assert failures == []


def test_the_harness_sees_an_escape(monkeypatch: pytest.MonkeyPatch) -> None:
    def escape(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyError("escaped")

    monkeypatch.setattr(engine, "analyze", escape)
    with pytest.raises(fuzz.Failure, match="escape: KeyError"):
        fuzz.check_program(b"x = 1\n", fuzz._all_rules_config(), 60.0)


def test_the_harness_sees_a_missing_ll000(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "analyze", lambda *a, **k: [])
    with pytest.raises(fuzz.Failure, match="no LL000"):
        fuzz.check_program(b"def f(:\n", fuzz._all_rules_config(), 60.0)
    with pytest.raises(fuzz.Failure, match="no LL000"):
        fuzz.check_program(b"return 1\n", fuzz._all_rules_config(), 60.0)


def test_mutations_are_deterministic_per_seed() -> None:
    a = [d for _, d in zip(range(20), (d for _, d in fuzz.mutated_programs(5)))]
    b = [d for _, d in zip(range(20), (d for _, d in fuzz.mutated_programs(5)))]
    assert a == b and len(set(a)) > 10
