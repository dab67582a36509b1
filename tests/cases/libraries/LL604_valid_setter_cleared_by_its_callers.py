import threading

_tls = threading.local()

def get_spawning_popen():
    return getattr(_tls, "spawning_popen", None)

def set_spawning_popen(popen):
    _tls.spawning_popen = popen
# case: {"id": "setter-cleared-by-its-callers"}
