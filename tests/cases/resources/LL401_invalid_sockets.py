import socket
import ssl

def probe(host):
    a = socket.socket()  # LL401
    a.connect((host, 80))
    b = socket.create_connection((host, 80))  # LL401
    b.sendall(b"x")
    r, w = socket.socketpair()  # LL401
    w.send(b"x")
    c = socket.fromfd(3, socket.AF_INET, socket.SOCK_STREAM)  # LL401
    c.recv(1)
    context = ssl.create_default_context()
    raw = socket.create_connection((host, 443))
    tls = context.wrap_socket(raw, server_hostname=host)  # LL401
    return tls.version()
# case: {"id": "sockets"}
