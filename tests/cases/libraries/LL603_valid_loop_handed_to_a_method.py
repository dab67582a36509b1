import asyncio
from test_utils import TestCase

class SslTests(TestCase):
    def setUp(self):
        self.loop = asyncio.new_event_loop()
        self.set_event_loop(self.loop)  # the base class closes it
# case: {"id": "loop-handed-to-a-method"}
