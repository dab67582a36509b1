import io
import socket

def text_reader(path):
    raw = open(path, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8")

class Client:
    def __init__(self, host):
        sock = socket.create_connection((host, 80))
        self.stream = Stream(sock)
# case: {"id": "handed-to-a-keeper"}
