import sqlite3


def open_db(path):
    conn = sqlite3.connect(path)
    conn.execute("pragma journal_mode=wal")
    return conn


class Store:
    def __init__(self, path):
        self.path = path

    def _connect(self):
        return open_db(self.path)

    def count(self):
        conn = self._connect()  # LL401
        return conn.execute("select count(*) from items").fetchone()[0]

    def count_closed(self):
        conn = self._connect()
        try:
            return conn.execute("select count(*) from items").fetchone()[0]
        finally:
            conn.close()
# case: {"id": "resource-returned-by-a-project-function", "message_contains": "that self._connect() returns"}
