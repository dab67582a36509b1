import sqlite3

def save(db, row):
    conn = sqlite3.connect(db)  # LL401
    with conn:
        conn.execute("insert into t values (?)", row)
# case: {"id": "sqlite-with-does-not-close", "message_contains": "only commits or rolls back"}
