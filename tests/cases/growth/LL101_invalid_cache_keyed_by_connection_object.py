SCRIPT = "return redis.call('GET', KEYS[1])"

# one registered script per connection
_registered_scripts = {}


def get_script(connection):
    if connection not in _registered_scripts:
        _registered_scripts[connection] = connection.register_script(SCRIPT)  # LL101
    return _registered_scripts[connection]


_frames = {}


def wrap_frame(frame):
    fid = id(frame)
    _frames[fid] = frame  # LL101
    return fid
# case: {"message_contains": "stays alive"}
