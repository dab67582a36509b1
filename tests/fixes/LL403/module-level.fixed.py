import contextlib
import sqlite3

with contextlib.closing(sqlite3.connect("app.db")) as conn, conn:  # LL403
    conn.execute("create table if not exists t (x)")
