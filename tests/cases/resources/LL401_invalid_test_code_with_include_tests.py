def test_export(tmp_path):
    out = open(tmp_path / "x", "w")  # LL401
    out.write("x")
# case: {"id": "test-code-with-include-tests", "options": {"include-tests": true}, "path": "tests/test_export.py"}
