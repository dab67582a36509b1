def touch(path):
    fh = open(path, "a")
    fh.close()
# case: {"id": "closed-at-once"}
