import builtins

def open(path):
    return path

def export(path):
    with builtins.open(path, "wb") as out:  # LL401
        out.write(b"x")
