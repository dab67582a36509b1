import os

def peek(fd):
    fh = open(fd, "rb", closefd=False)
    return fh.read(4)
# case: {"id": "closefd-false-owns-no-descriptor"}
