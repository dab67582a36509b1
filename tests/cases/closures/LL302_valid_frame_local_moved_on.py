import sys

def stacklevel():
    f = sys._getframe()
    level = 1
    while f := f.f_back:
        level += 1
    return level
# case: {"id": "frame-local-moved-on"}
