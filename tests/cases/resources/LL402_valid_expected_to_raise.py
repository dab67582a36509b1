import unittest

class TestOpen(unittest.TestCase):
    def test_missing(self):
        with self.assertRaises(FileNotFoundError):
            open("/does/not/exist").read()
# case: {"id": "expected-to-raise"}
