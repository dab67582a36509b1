import bz2
import subprocess
import unittest

class Test(unittest.TestCase):
    def test_communicate(self):
        proc = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.addCleanup(proc.stdout.close)
        out, err = proc.communicate(b"x")

    def test_open_del(self):
        for i in range(100):
            o = bz2.BZ2File(self.filename)
            del o
# case: {"id": "cleanup-registration-between-and-deliberate-del"}
