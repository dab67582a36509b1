def load(path):
    try:
        fh = open(path)
    except OSError:
        return None
    else:
        with fh:
            return fh.read()
# case: {"id": "try-except-else-with"}
