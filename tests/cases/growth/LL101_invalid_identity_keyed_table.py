frametable = {}

def wrap_frame(frame):
    fid = id(frame)
    frametable[fid] = frame  # LL101
    return fid

objects = {}

def remember(obj):
    if id(obj) not in objects:
        objects[id(obj)] = obj  # LL101
# case: {"id": "identity-keyed-table"}
