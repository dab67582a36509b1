import weakref

def open_conn(factory):
    conn = factory()
    weakref.finalize(conn, lambda: conn.close())  # LL202
    return conn
# case: {"id": "finalize-lambda-over-watched-local", "options": {"all-forms": true}}
