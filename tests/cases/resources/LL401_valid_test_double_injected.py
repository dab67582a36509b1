from http import client

def test_headers():
    conn = client.HTTPConnection("example.com")
    conn.sock = FakeSocket(b"HTTP/1.1 200 OK")
    conn.request("GET", "/")
# case: {"id": "test-double-injected"}
