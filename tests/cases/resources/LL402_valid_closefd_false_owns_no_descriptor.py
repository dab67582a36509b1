import os

def header(fd):
    return open(fd, "rb", closefd=False).read(4)
# case: {"id": "closefd-false-owns-no-descriptor"}
