import sys

def warn_here(message):
    caller = sys._getframe(1)
    return caller.f_code.co_filename, caller.f_lineno, message
# case: {"id": "caller-frame-in-local-is-no-cycle"}
