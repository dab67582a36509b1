import tempfile

def workdir():
    return tempfile.TemporaryDirectory().name  # LL402
