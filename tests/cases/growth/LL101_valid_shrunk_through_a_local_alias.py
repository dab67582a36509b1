_handlers = []

def _add(ref):
    _handlers.append(ref)

def _remove(ref):
    lock, handlers = None, _handlers
    handlers.remove(ref)

def make():
    _add(object())
# case: {"id": "shrunk-through-a-local-alias"}
