import atexit

def _make_is_finalizing():
    flag = []
    atexit.register(lambda: flag.append(None))
    return lambda: flag != []

is_finalizing = _make_is_finalizing()
# case: {"id": "function-called-once-at-import"}
