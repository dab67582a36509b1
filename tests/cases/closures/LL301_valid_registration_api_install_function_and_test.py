import atexit
import sys

_type_lookup = {}

def register(type_, fallback):
    def inner(func):
        def really_inner(thing):
            return fallback if thing is None else func(thing)
        _type_lookup[type_] = really_inner
        return really_inner
    return inner

def install_excepthook(printer):
    sys.excepthook = lambda *info: printer.show(info)

def test_exit_hook(tmp):
    atexit.register(lambda: tmp.cleanup())
# case: {"id": "registration-api-install-function-and-test"}
