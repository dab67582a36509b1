import logging
import socket
import ssl

log = logging.getLogger(__name__)


def create_connection(address):
    sock = socket.socket()
    try:
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return sock


class Connection:
    def __init__(self, host):
        self.host = host
        self.sock = None

    def _new_conn(self):
        return create_connection((self.host, 443))

    def connect_stored_first(self):
        # the object holds it before anything can fail: close() finds it
        self.sock = conn = self._new_conn()
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(conn, server_hostname=self.host)

    def connect_guarded(self):
        sock = self._new_conn()
        try:
            context = ssl.create_default_context()
            return context.wrap_socket(sock, server_hostname=self.host)
        except (OSError, ValueError):
            sock.close()
            raise

    def connect_plain(self):
        # only calls that do not fail on ordinary input before the hand-off
        sock = self._new_conn()
        log.debug("connected to %s", self.host)
        sock.settimeout(5.0)
        if isinstance(self.host, str) and len(self.host) > 1:
            self.sock = sock
        return sock

    def close(self):
        if self.sock is not None:
            self.sock.close()
# case: {"id": "handed-on-first-or-guarded", "options": {"error-paths": true}}
