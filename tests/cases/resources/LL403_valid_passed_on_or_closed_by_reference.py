import atexit
import contextlib
import sqlite3


class Store:
    def open(self, db):
        with sqlite3.connect(db) as conn:
            conn.execute("pragma journal_mode=wal")
        self.conn = conn

    def pair(self, db):
        with sqlite3.connect(db) as conn:
            conn.execute("select 1")
        return (conn, db)

    def on_exit(self, db):
        with sqlite3.connect(db) as conn:
            conn.execute("select 1")
        atexit.register(conn.close)

    def owned(self, db, stack: contextlib.ExitStack):
        with sqlite3.connect(db) as conn:
            conn.execute("select 1")
        stack.enter_context(contextlib.closing(conn))
# case: {"id": "passed-on-or-closed-by-reference"}
