import socket

def connect(host):
    sock = socket.socket()
    try:
        sock.connect((host, 80))
    except OSError:
        sock.close()
        raise
    data = sock.recv(10)
    sock.close()
    return data
# case: {"id": "closed-in-handler-and-on-normal-path"}
