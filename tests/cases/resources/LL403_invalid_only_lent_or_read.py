import sqlite3


class Report:
    def count(self, db):
        with sqlite3.connect(db) as conn:  # LL403
            self._check(conn)
            print(conn.total_changes, str(conn.in_transaction))
        return conn.total_changes

    def _check(self, conn):
        conn.execute("select 1")
# case: {"id": "only-lent-or-read"}
