import logging
import unittest

class LoggingTest(unittest.TestCase):
    def make(self, ident):
        return logging.getLogger(f"test.thread.{ident}")
# case: {"id": "test-code"}
