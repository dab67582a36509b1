def test_roundtrip(tmp_path):
    out = open(tmp_path / "x", "w")
    out.write("x")
# case: {"id": "test-file", "path": "tests/test_io.py"}
