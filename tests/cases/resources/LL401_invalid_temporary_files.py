import tempfile

def scratch():
    a = tempfile.TemporaryFile()  # LL401
    b = tempfile.NamedTemporaryFile()  # LL401
    c = tempfile.SpooledTemporaryFile()  # LL401
    d = tempfile.TemporaryDirectory()  # LL401
    return a.fileno(), b.name, c.fileno(), d.name
# case: {"id": "temporary-files"}
