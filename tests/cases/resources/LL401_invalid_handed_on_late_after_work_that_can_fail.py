import socket
import ssl


def create_connection(address):
    sock = socket.socket()
    try:
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return sock


class Connection:
    def __init__(self, host, certfile=None):
        self.host = host
        self.certfile = certfile
        self.sock = None

    def _new_conn(self):
        return create_connection((self.host, 443))

    def connect(self):
        conn = self._new_conn()  # LL401
        context = ssl.create_default_context()
        if self.certfile:
            context.load_cert_chain(self.certfile)
        self.sock = context.wrap_socket(conn, server_hostname=self.host)

    def open_log(self, path, header):
        f = open(path, "a")  # LL401
        if not header:
            raise ValueError("no header")
        return f

    def close(self):
        if self.sock is not None:
            self.sock.close()
# case: {"id": "handed-on-late-after-work-that-can-fail", "options": {"error-paths": true}, "message_contains": "before it is"}
