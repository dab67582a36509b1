import contextlib
import sqlite3

def save(db, row):
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:  # LL403
        conn.execute("insert into t values (?)", row)
