import unittest

_connections = {}


def remember(connection):
    _connections[connection] = connection.cursor()


class ConnectionTests(unittest.TestCase):
    def test_remember(self):
        remember(object())
# case: {"path": "tests/test_connections.py"}
