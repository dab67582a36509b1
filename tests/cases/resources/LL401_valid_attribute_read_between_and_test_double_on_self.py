import tempfile
import unittest
from http import client

def scratch_path():
    tmp = tempfile.NamedTemporaryFile(delete=False)
    path = tmp.name
    tmp.close()
    return path

class TestPut(unittest.TestCase):
    def test_chunked(self):
        self.conn = client.HTTPConnection("example.com")
        self.conn.sock = FakeSocket(b"")
        self.conn.request("PUT", "/url", b"body")
# case: {"id": "attribute-read-between-and-test-double-on-self"}
