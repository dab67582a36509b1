import socket

def connect_unix(path, timeout):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # LL401
    sock.settimeout(timeout)
    sock.connect(path)
    return sock

def first_reachable(addresses):
    errors = {}
    for family, address in addresses:
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)  # LL401
            sock.connect(address)
            break
        except OSError as exc:
            errors[address] = exc
    return sock
# case: {"id": "socket-not-closed-when-connect-fails", "message_contains": "fails"}
