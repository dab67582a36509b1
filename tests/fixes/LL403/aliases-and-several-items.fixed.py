import contextlib
import sqlite3 as sq
from sqlite3 import connect as open_db

def migrate(db):
    with contextlib.closing(sq.connect(db)) as connection, connection:  # LL403
        pass
    with contextlib.closing(open_db(db)) as conn, conn, open("log", "a") as log:  # LL403
        log.write(str(conn.total_changes))
