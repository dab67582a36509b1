_codecs = {}
_levels = {}
_atexit = []

def register_codec(name, codec):
    _codecs[name] = codec

def addLevelName(level, name):
    _levels[level] = name

def _register_atexit(func):
    _atexit.append(func)
# case: {"id": "registration-functions"}
