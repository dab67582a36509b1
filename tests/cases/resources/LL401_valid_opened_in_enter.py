import socket

class Connection:
    def __enter__(self):
        self.sock = socket.create_connection((self.host, self.port))
        return self

    async def __aenter__(self):
        sock = socket.create_connection((self.host, self.port))
        return sock
# case: {"id": "opened-in-enter"}
