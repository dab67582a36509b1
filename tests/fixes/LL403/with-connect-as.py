import sqlite3

def save(db, row):
    with sqlite3.connect(db) as conn:  # LL403
        conn.execute("insert into t values (?)", row)
