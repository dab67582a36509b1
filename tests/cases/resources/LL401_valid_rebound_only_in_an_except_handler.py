import io

def load(path):
    fp = open(path, "rb")
    try:
        fp.seek(0)
    except io.UnsupportedOperation:
        fp = io.BytesIO(fp.read())
    data = fp.read()
    fp.close()
    return data
# case: {"id": "rebound-only-in-an-except-handler"}
