import sys
import unittest

class ParserTests(unittest.TestCase):
    def check(self, text):
        try:
            parse(text)
        except ValueError:
            self.exc_info = sys.exc_info()

    def test_frames(self):
        frame = sys._getframe()
        self.assertEqual(frame.f_code.co_name, "test_frames")
# case: {"id": "test-code"}
