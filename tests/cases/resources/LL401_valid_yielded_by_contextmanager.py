from contextlib import contextmanager

@contextmanager
def opened(path):
    fh = open(path)
    yield fh
# case: {"id": "yielded-by-contextmanager"}
