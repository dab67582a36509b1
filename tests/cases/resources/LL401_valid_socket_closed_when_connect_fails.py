import socket

def connect_unix(path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        raise
    return sock

def first_reachable(addresses):
    for family, address in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.connect(address)
            return sock
        except OSError:
            sock.close()

def ping(address):
    with socket.socket() as sock:
        sock.connect(address)
        return sock.recv(4)
# case: {"id": "socket-closed-when-connect-fails"}
