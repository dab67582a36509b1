"""bench/compare_findings.py: the before/after check that a refactor keeps every finding."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _module():
    spec = importlib.util.spec_from_file_location("compare_findings", ROOT / "bench" / "compare_findings.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _write(path, findings):
    path.write_text(json.dumps(findings), encoding="utf-8")
    return str(path)


F401 = {"fingerprint": "a", "path": "m.py", "line": 3, "column": 1, "code": "LL401", "message": "x", "confidence": "high"}
F101 = {"fingerprint": "b", "path": "m.py", "line": 9, "column": 1, "code": "LL101", "message": "y", "confidence": "medium"}


def test_same_findings_exit_0_and_a_lost_one_exit_1(tmp_path, capsys):
    mod = _module()
    before = _write(tmp_path / "before.json", [F401, F101])
    assert mod.main([before, _write(tmp_path / "same.json", [F101, F401])]) == 0
    lost = _write(tmp_path / "lost.json", [F401])
    assert mod.main([before, lost]) == 1
    assert "removed 1, added 0, changed 0" in capsys.readouterr().out
    moved = dict(F401, line=4)
    assert mod.main([before, _write(tmp_path / "moved.json", [moved, F101])]) == 0  # same fingerprint, same text: a line shift only
    worded = dict(F401, message="z")
    assert mod.main([before, _write(tmp_path / "worded.json", [worded, F101])]) == 1


def test_codes_compares_only_those_rules(tmp_path, capsys):
    mod = _module()
    before = _write(tmp_path / "before.json", [F401, F101])
    only_401 = _write(tmp_path / "after.json", [F401])
    assert mod.main([before, only_401, "--codes", "LL401"]) == 0
    assert mod.main([before, only_401, "--codes", "LL401,LL101"]) == 1
    out = capsys.readouterr().out
    assert "- m.py:9:1: LL101" in out
