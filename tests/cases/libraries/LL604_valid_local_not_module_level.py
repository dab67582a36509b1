import threading

def handle(request):
    state = threading.local()
    state.request = request
    return state
# case: {"id": "local-not-module-level"}
