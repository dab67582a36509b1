import threading

_ctx = threading.local()
_ctx.stack = []

def push(conn):
    _ctx.stack.append(conn)  # LL604
# case: {"id": "stack-never-popped", "message_contains": "grows"}
