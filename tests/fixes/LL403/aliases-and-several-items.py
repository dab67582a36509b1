import sqlite3 as sq
from sqlite3 import connect as open_db

def migrate(db):
    with sq.connect(db):  # LL403
        pass
    with open_db(db) as conn, open("log", "a") as log:  # LL403
        log.write(str(conn.total_changes))
