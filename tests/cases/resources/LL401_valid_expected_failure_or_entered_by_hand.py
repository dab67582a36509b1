import subprocess
import unittest
from fileinput import FileInput

class TestInput(unittest.TestCase):
    def test_bad_hook(self):
        try:
            fi = FileInput(openhook=1)
            self.fail("FileInput should check openhook for being callable")
        except ValueError:
            pass

    def test_entered_by_hand(self):
        proc = subprocess.Popen(["true"], stdin=subprocess.PIPE)
        proc = proc.__enter__()
        proc.__exit__(None, None, None)
# case: {"id": "expected-failure-or-entered-by-hand"}
