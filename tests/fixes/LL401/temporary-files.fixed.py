import tempfile

def scratch():
    with tempfile.TemporaryFile() as a:  # LL401
        with tempfile.NamedTemporaryFile() as b:  # LL401
            with tempfile.SpooledTemporaryFile() as c:  # LL401
                d = tempfile.TemporaryDirectory()  # LL401
                return a.fileno(), b.name, c.fileno(), d.name
