import logging
import unittest

class Test(unittest.TestCase):
    def setUp(self):
        logging.getLogger("x").addHandler(logging.NullHandler())
# case: {"id": "unittest-setup"}
