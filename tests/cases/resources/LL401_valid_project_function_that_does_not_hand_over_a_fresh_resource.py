import functools
import sqlite3

CONNECTIONS = []


@functools.lru_cache(maxsize=None)
def shared_db(path):
    return sqlite3.connect(path)


def tracked_db(path):
    conn = sqlite3.connect(path)
    CONNECTIONS.append(conn)
    return conn


class Store:
    def __init__(self, path):
        self.path = path
        self._conn = None

    def _cached(self):
        if self._conn is None:
            self._conn = sqlite3.connect(self.path)
        return self._conn

    def count(self):
        a = shared_db(self.path)
        b = tracked_db(self.path)
        c = self._cached()
        return a.total_changes + b.total_changes + c.total_changes

    def close(self):
        if self._conn is not None:
            self._conn.close()
# case: {"id": "project-function-that-does-not-hand-over-a-fresh-resource"}
