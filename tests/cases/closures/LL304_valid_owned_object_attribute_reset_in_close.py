class Reader:
    def connect(self, connect):
        self._conn = connect()
        self._conn.lookup = self._lookup

    def close(self):
        self._conn.lookup = None
        self._conn.close()

    def _lookup(self, table):
        return table
# case: {"id": "owned-object-attribute-reset-in-close"}
