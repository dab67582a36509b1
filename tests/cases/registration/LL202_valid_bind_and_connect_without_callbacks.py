import socket

class Server:
    def __init__(self, address):
        self.address = address
        self.sock = socket.socket()
        self.sock.bind(self.address)

    def start(self, host):
        self.sock.connect((host, 80))
# case: {"id": "bind-and-connect-without-callbacks"}
