import codecs
import os
import tokenize
from io import open as io_open

def read(path):
    with open(path) as fh:  # LL401
        return fh.read()

def read_io(path):
    with io_open(path, "rb") as fh:  # LL401
        return fh.read()

def read_codecs(path):
    with codecs.open(path, encoding="utf-8") as fh:  # LL401
        return fh.read()

def read_fd(fd):
    with os.fdopen(fd) as fh:  # LL401
        return fh.read()

def source(path):
    with tokenize.open(path) as fh:  # LL401
        return fh.read()
