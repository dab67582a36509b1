import socket

class Listener:
    def __init__(self, address):
        self.sock = socket.create_server(address)  # LL401
        log = open("listener.log", "a")
        self.log = log  # LL401

    def accept(self):
        return self.sock.accept()
# case: {"confidence": "medium", "id": "stored-on-self-never-released", "message_contains": "never released by Listener", "options": {"self-attributes": true}}
