import socket
import socketserver

class Server(socketserver.TCPServer):
    def server_bind(self):
        self.socket = socket.socket(self.address_family, self.socket_type)
        self.socket.bind(self.server_address)
# case: {"id": "base-class-from-another-module-may-release"}
