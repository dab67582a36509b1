import fileinput

def count():
    n = 0
    for line in fileinput.input():
        n += 1
    return n
# case: {"id": "fileinput-iteration-closes"}
