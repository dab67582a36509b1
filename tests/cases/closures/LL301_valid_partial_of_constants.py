import functools

HANDLERS = []

def log(prefix, event):
    print(prefix, event)

def setup():
    HANDLERS.append(functools.partial(log, "event:"))
# case: {"id": "partial-of-constants"}
