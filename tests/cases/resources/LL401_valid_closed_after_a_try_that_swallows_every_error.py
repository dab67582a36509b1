import socket

def has_ipv6(host):
    sock = None
    ok = False
    if socket.has_ipv6:
        try:
            sock = socket.socket(socket.AF_INET6)
            sock.bind((host, 0))
            ok = True
        except Exception:
            pass
    if sock:
        sock.close()
    return ok
# case: {"id": "closed-after-a-try-that-swallows-every-error"}
