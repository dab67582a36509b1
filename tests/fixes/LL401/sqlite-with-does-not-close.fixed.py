import contextlib
import sqlite3

def save(db, row):
    with contextlib.closing(sqlite3.connect(db)) as conn:  # LL401
        with conn:
            conn.execute("insert into t values (?)", row)
