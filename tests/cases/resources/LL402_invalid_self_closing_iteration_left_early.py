import fileinput
import os


def first_match(root, suffix):
    for entry in os.scandir(root):  # LL402
        if entry.name.endswith(suffix):
            return entry.path
    return None


def until_blank():
    for line in fileinput.input():  # LL402
        if not line.strip():
            break
# case: {"id": "self-closing-iteration-left-early", "confidence": "high"}
