import sqlite3

with sqlite3.connect("app.db") as conn:  # LL403
    conn.execute("create table if not exists t (x)")
# case: {"id": "module-level"}
