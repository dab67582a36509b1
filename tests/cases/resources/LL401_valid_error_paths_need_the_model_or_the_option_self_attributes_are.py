import json
import socket

def load(path):
    fh = open(path)
    data = json.load(fh)
    fh.close()
    return data

class Listener:
    def __init__(self, address):
        self.sock = socket.create_server(address)
# case: {"id": "error-paths-need-the-model-or-the-option-self-attributes-are-opt-in"}
