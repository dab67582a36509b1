import socket
import unittest

class Base(unittest.TestCase):
    def setUp(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.connections = [self.server]

    def tearDown(self):
        for sock in self.connections:
            sock.close()

class Mixin:
    def connect(self):
        self.cli = socket.create_connection(self.address)

class Closer:
    def tearDown(self):
        self.cli.close()

class Test(Mixin, Closer, unittest.TestCase):
    pass
# case: {"id": "self-attribute-closed-through-container-or-mixin"}
