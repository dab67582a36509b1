"""The project functions that return a fresh resource (leaklint.analysis.returns, queried
through ProjectIndex.returns_resource) and the resource rules' use of them."""

from __future__ import annotations

import textwrap

from leaklint.analysis.lifetime import ProjectIndex
from leaklint.engine import lint_source
from leaklint.rules.resources.resource_not_closed import ResourceNotClosed


def _index(**files: str) -> ProjectIndex:
    return ProjectIndex.from_sources({path.replace("__", "/") + ".py": textwrap.dedent(src) for path, src in files.items()})


HELPERS = """
    import socket
    import subprocess
    import sqlite3
    from functools import lru_cache
    from contextlib import contextmanager


    def create_connection(address):
        sock = None
        for af in (1, 2):
            try:
                sock = socket.socket(af)
                sock.connect(address)
                return sock
            except OSError:
                if sock is not None:
                    sock.close()
        raise OSError("no address")


    def stored(address):
        sock = socket.socket()
        REGISTRY.append(sock)
        return sock


    def kept_on_self(self):
        sock = socket.socket()
        self.sock = sock
        return sock


    @lru_cache(maxsize=None)
    def shared():
        return sqlite3.connect("db")


    @contextmanager
    def managed():
        conn = sqlite3.connect("db")
        yield conn


    def generator():
        yield open("f")


    def not_a_resource():
        return len("x")


    def captured():
        f = open("p")
        def read():
            return f.read()
        return f


    def finished():
        proc = subprocess.Popen(["true"])
        proc.communicate()
        return proc


    def closed_by_with():
        f = open("p")
        with f:
            f.read()
        return f


    def closed_only_on_error():
        sock = socket.socket()
        try:
            sock.connect(("h", 1))
        except OSError:
            sock.close()
            raise
        return sock
"""

CLIENT = """
    from . import util


    class Base:
        def _new_conn(self):
            conn = util.create_connection(("h", 1))
            return conn

        async def _open(self):
            return await util.create_connection(("h", 1))


    class Sub(Base):
        def _connect(self):
            return super()._new_conn()

        def __enter__(self):
            return util.create_connection(("h", 1))
"""


def test_a_function_that_returns_a_catalogue_resource_it_made() -> None:
    idx = _index(pkg__util=HELPERS, pkg__client=CLIENT)
    assert idx.returns_resource("pkg.util.create_connection") == "socket.socket"


def test_helpers_are_followed_through_modules_methods_inheritance_and_super() -> None:
    idx = _index(pkg__util=HELPERS, pkg__client=CLIENT)
    assert idx.returns_resource("pkg.client.Base._new_conn") == "socket.socket"
    assert idx.returns_resource("pkg.client.Sub._new_conn") == "socket.socket"  # inherited
    assert idx.returns_resource("pkg.client.Base._open") == "socket.socket"  # `return await f()`
    assert idx.returns_resource("pkg.client.Sub._connect") == "socket.socket"  # `super()._new_conn()`
    assert idx.super_returns_resource("pkg.client.Sub", "_new_conn") == "socket.socket"
    assert idx.super_returns_resource("pkg.client.Base", "_new_conn") is None  # no base has one


def test_functions_whose_result_the_caller_does_not_own_alone() -> None:
    idx = _index(pkg__util=HELPERS, pkg__client=CLIENT)
    for name in ("stored", "kept_on_self", "shared", "managed", "generator", "not_a_resource", "captured", "finished", "closed_by_with"):
        assert idx.returns_resource(f"pkg.util.{name}") is None, name
    assert idx.returns_resource("pkg.client.Sub.__enter__") is None
    assert idx.returns_resource("pkg.util.missing") is None
    # a close in an except handler before a re-raise leaves the returned socket open
    assert idx.returns_resource("pkg.util.closed_only_on_error") == "socket.socket"


LEAKY = """\
import socket


def create_connection(address):
    sock = socket.socket()
    try:
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return sock


class Client:
    def _new_conn(self):
        return create_connection(("h", 1))

    def ping(self):
        conn = self._new_conn()
        conn.sendall(b"ping")

    def ping_closed(self):
        conn = self._new_conn()
        try:
            conn.sendall(b"ping")
        finally:
            conn.close()
"""


def test_the_caller_of_a_returning_method_owns_the_resource_even_without_a_project_index() -> None:
    findings = [f for f in lint_source(LEAKY, "client.py", rules=[ResourceNotClosed]) if f.code == "LL401"]
    assert [f.line for f in findings] == [19]
    assert "self._new_conn() returns" in findings[0].message


def test_the_project_index_answers_for_a_helper_in_another_module() -> None:
    caller = "from .util import create_connection\n\n\ndef probe():\n    s = create_connection(('h', 1))\n    s.sendall(b'x')\n"
    idx = _index(pkg__util=HELPERS, pkg__probe=caller)
    findings = lint_source(caller, "pkg/probe.py", rules=[ResourceNotClosed], project=idx, module="pkg.probe")
    assert [(f.code, f.line) for f in findings] == [("LL401", 5)]
