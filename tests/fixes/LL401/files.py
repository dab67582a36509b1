import codecs
import os
import tokenize
from io import open as io_open

def read(path):
    fh = open(path)  # LL401
    return fh.read()

def read_io(path):
    fh = io_open(path, "rb")  # LL401
    return fh.read()

def read_codecs(path):
    fh = codecs.open(path, encoding="utf-8")  # LL401
    return fh.read()

def read_fd(fd):
    fh = os.fdopen(fd)  # LL401
    return fh.read()

def source(path):
    fh = tokenize.open(path)  # LL401
    return fh.read()
