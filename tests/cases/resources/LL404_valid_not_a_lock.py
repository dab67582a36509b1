class Repository:
    def get(self, key):
        conn = self.pool.acquire()
        row = conn.fetch(key)
        self.pool.release(conn)
        return row
# case: {"id": "not-a-lock"}
