import pytest

def read_fixture(name):
    fh = open(name)
    return fh.read()
# case: {"id": "test-helper-module"}
