import threading

def later(fn):
    t = threading.Thread(target=fn)
    return t

thread = threading.Thread(target=print)
thread.start()
# case: {"id": "not-started-or-module-level"}
