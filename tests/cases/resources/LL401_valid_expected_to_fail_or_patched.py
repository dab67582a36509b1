import unittest
from unittest import mock

class TestOpen(unittest.TestCase):
    def test_missing(self):
        with self.assertRaises(FileNotFoundError):
            fh = open("/does/not/exist")

    @mock.patch("builtins.open")
    def test_patched(self, fake_open):
        fh = open("x")
        fh.read()

    def test_patched_block(self):
        with mock.patch("builtins.open"):
            fh = open("x")

    def test_expected_failure(self):
        try:
            fh = open("/does/not/exist")
        except OSError:
            pass
        else:
            self.fail("opened a missing file")
# case: {"id": "expected-to-fail-or-patched"}
