class Connection:
    hooks = {}

    @classmethod
    def connect(cls, addr):
        conn = cls()
        cls.hooks[addr] = lambda: conn.close()  # LL301
        type(conn).hooks.setdefault(addr, lambda: conn.close())
        Connection.hooks[addr] = lambda: conn  # LL301
# case: {"id": "class-attribute-containers"}
