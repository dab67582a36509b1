import threading

_ctx = threading.local()

def push(request):
    _ctx.stack = getattr(_ctx, "stack", [])
    _ctx.stack.append(request)

def pop():
    return _ctx.stack.pop()
# case: {"id": "stack-popped"}
