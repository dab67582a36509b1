def watch(conn):
    def on_close():
        conn.log("closed")
    conn.add_listener("close", on_close)  # LL303
# case: {"id": "nested-def-captures-its-object"}
