import socket


def bind_unix(path):
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(path)
    return sock


def configure(settings):
    sock = settings.get("sock")
    if settings["unix"]:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(settings["unix"])
    if sock is None:
        # runs only when no socket was made above
        sock = socket.create_server((settings["host"], settings["port"]))
    settings["sock"] = sock
    return sock


def reuse(path):
    f = open(path)
    if not f:
        f = open(path + ".bak")
    with f:
        return f.read()
# case: {"id": "rebound-only-when-empty"}
