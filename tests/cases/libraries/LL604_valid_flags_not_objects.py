import threading

TLS = threading.local()
useUmfpack = threading.local()

def _ignore_symbols_set(b: bool) -> bool:
    prev = getattr(TLS, "ignore", False)
    TLS.ignore = b
    return prev

def use_solver(**kwargs):
    if "useUmfpack" in kwargs:
        useUmfpack.u = kwargs["useUmfpack"]

def configure(strict=False):
    TLS.strict = strict
# case: {"id": "flags-not-objects"}
