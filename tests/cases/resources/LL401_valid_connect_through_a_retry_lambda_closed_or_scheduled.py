import socket


def retry_on_signal(function):
    return function()


def connect_any(addresses):
    errors = {}
    for family, addr in addresses:
        sock = None
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
            retry_on_signal(lambda: sock.connect(addr))
            break
        except OSError as e:
            if sock:
                sock.close()
            errors[addr] = e
    else:
        raise ConnectionError(errors)
    return sock


def connect_later(loop, addr):
    sock = socket.socket()
    loop.call_soon(lambda: sock.connect(addr))
    return loop


def connect_in_pool(executor, addr):
    sock = socket.socket()
    return executor.submit(lambda: sock.connect(addr))
