import logging
import os
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

    def make_socket(self, timeout=1.0):
        # the call in the other arm of the if never runs on the path that made this one
        if self.host:
            result = socket.create_connection((self.host, 443), timeout=timeout)
        else:
            result = socket.socket(socket.AF_UNIX)
            result.settimeout(timeout)
            try:
                result.connect("/tmp/sock")
            except OSError:
                result.close()
                raise
        return result

    def create_socket(self, addresses):
        # made inside a try whose handler closes it: the error path is thought out
        err = sock = None
        for address in addresses:
            err = sock = None
            try:
                sock = socket.socket()
                sock.connect(address)
                break
            except OSError as exc:
                err = exc
                if sock is not None:
                    sock.close()
        if err is not None:
            raise err
        self.sock = sock

    def open_code(self, path):
        handle = open(path, "rb")
        suffix = os.path.splitext(path)[-1]  # path arithmetic does not fail
        return handle, suffix

    def close(self):
        if self.sock is not None:
            self.sock.close()
# case: {"id": "handed-on-first-or-guarded", "options": {"error-paths": true}}
