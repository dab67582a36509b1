# Reported only with all-forms = true: memo caches and registries keyed by values (strings,
# numbers, types: a closed set in most programs), registration functions, test code.
from typing import Callable

_translations = {}
_reload_hooks = []
_encoders = {}
_netmasks = {}


def translation(domain: str, localedir=None):
    key = (domain, localedir)
    if key not in _translations:
        _translations[key] = load(domain.lower(), localedir)
    return _translations[key]


def add_reload_hook(fn: Callable[[], None]) -> None:
    _reload_hooks.append(fn)


def encoder_for(value):
    kind = type(value)
    if kind not in _encoders:
        _encoders[kind] = make_encoder(kind)
    return _encoders[kind]


class Network:
    def netmask(self, prefixlen: int):
        if prefixlen not in _netmasks:
            _netmasks[prefixlen] = (1 << 32) - (1 << (32 - prefixlen))
        return _netmasks[prefixlen]


def load(domain, localedir):
    return (domain, localedir)


def make_encoder(kind):
    return repr


_MARKERS = {1: repr}
_TYPE_ENCODERS = {}


def encode(obj, opts):
    # the stored function comes from the module's own table, the key is a type: code, not
    # an object of the caller's
    marker = getattr(obj, "_type_marker", None)
    if marker in _MARKERS:
        func = _MARKERS[marker]
        _TYPE_ENCODERS[type(obj)] = func
        return func(obj, opts)
    return None
