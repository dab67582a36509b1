import tempfile

def workdir():
    return tempfile.TemporaryDirectory().name  # LL402
# case: {"id": "temporary-directory-name", "message_contains": "deleted"}
