import subprocess
import unittest

class RecordingPopen(subprocess.Popen):
    instances_created = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instances_created.append(self)

class PopenTest(unittest.TestCase):
    def test_it(self):
        RecordingPopen(["true"]).wait()
# case: {"id": "test-double-in-test-code"}
