import asyncio
import threading
import unittest
from test.support import threading_helper

class LoopTests(unittest.TestCase):
    def setUp(self):
        self.loop = asyncio.new_event_loop()
        self.addCleanup(self.loop.close)

    def test_in_a_new_loop(self):
        loop = asyncio.new_event_loop()
        self.addCleanup(loop.close)

    def test_server(self):
        t = threading.Thread(target=self.serve)
        t.start()
        threading_helper.join_thread(t)
        self.server_thread = threading.Thread(target=self.serve)
        self.server_thread.start()

    def tearDown(self):
        threading_helper.join_thread(self.server_thread)
# case: {"id": "cleanup-callbacks-and-join-helpers"}
