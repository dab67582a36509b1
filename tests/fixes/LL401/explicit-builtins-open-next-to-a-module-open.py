import builtins

def open(path):
    return path

def export(path):
    out = builtins.open(path, "wb")  # LL401
    out.write(b"x")
