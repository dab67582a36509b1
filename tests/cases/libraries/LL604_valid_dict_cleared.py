import threading

_state = threading.local()

def activate(request):
    previous = getattr(_state, "request", None)
    _state.request = request
    return previous

def reset():
    _state.__dict__.clear()
# case: {"id": "dict-cleared"}
