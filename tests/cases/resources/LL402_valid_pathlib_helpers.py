import pathlib

def read(path):
    return pathlib.Path(path).read_text()
# case: {"id": "pathlib-helpers"}
