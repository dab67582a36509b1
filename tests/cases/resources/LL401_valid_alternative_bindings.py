import sys

def output(path):
    if path == "-":
        out = sys.stdout
    elif path.endswith(".log"):
        out = open(path, "a")
    else:
        out = open(path, "w")
    with out:
        out.write("done")
# case: {"id": "alternative-bindings"}
