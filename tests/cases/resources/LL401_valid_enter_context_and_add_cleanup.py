import tempfile
import unittest

class TestExport(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.dir = self.enterContext(tmp)

    def test_write(self):
        fh = open(self.dir + "/x", "w")
        self.addCleanup(fh.close)
        fh.write("x")
# case: {"id": "enter-context-and-add-cleanup"}
