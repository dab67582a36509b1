import socket

class Server:
    def __init__(self, address):
        self.sock = socket.create_server(address)
        log = open("server.log", "a")
        self.log = log

    def close(self):
        self.sock.close()
        self._close_log()

    def _close_log(self):
        self.log.close()
# case: {"id": "self-attribute-closed-by-class"}
