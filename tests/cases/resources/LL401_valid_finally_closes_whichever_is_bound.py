def roundtrip(a, path):
    f = open(path, "wb")
    try:
        a.tofile(f)
        f.close()
        f = open(path, "rb")
        return f.read()
    finally:
        f.close()
# case: {"id": "finally-closes-whichever-is-bound"}
