import fileinput
import os


def find_prefixed(root, prefix):
    # a generator: an abandoned one is closed when collected, and the iterator with it
    for entry in os.scandir(root):
        if entry.name.lower().startswith(prefix):
            yield entry


def names(root):
    return [entry.name for entry in os.scandir(root) if not entry.name.startswith(".")]


def total(root):
    size = 0
    for entry in os.scandir(root):
        for part in entry.name.split("."):
            if not part:
                break  # leaves the inner loop only
        size += len(entry.name)
    return size


def count_lines():
    n = 0
    for line in fileinput.input():
        n += len(line)
    return n
# case: {"id": "self-closing-iteration-to-the-end"}
