import socket

def connect(addresses):
    err = None
    for addr in addresses:
        try:
            return socket.create_connection(addr)
        except OSError as e:
            err = e
    try:
        raise err
    finally:
        err = None
# case: {"id": "local-set-to-none-in-finally"}
