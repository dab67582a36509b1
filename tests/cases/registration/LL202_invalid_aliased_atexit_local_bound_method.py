from atexit import register as at_exit

def connect(url, pool):
    conn = pool.get(url)
    at_exit(conn.close)  # LL202
    return conn
# case: {"id": "aliased-atexit-local-bound-method", "options": {"all-forms": true}}
