from contextlib import contextmanager

@contextmanager
def opened(path):
    yield open(path)
# case: {"id": "yielded"}
