import socket


def retry_on_signal(function):
    while True:
        try:
            return function()
        except InterruptedError:
            continue


def connect_any(addresses):
    errors = {}
    for family, addr in addresses:
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)  # LL401
            retry_on_signal(lambda: sock.connect(addr))
            break
        except OSError as e:
            errors[addr] = e
    else:
        raise ConnectionError(errors)
    return sock
# case: {"id": "connect-through-a-retry-lambda-fails", "message_contains": "sock.connect() fails"}
