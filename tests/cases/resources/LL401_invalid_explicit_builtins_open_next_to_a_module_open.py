import builtins

def open(path):
    return path

def export(path):
    out = builtins.open(path, "wb")  # LL401
    out.write(b"x")
# case: {"id": "explicit-builtins-open-next-to-a-module-open"}
