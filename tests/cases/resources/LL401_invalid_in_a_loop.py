def write_all(paths, text):
    for path in paths:
        fh = open(path, "w")  # LL401
        fh.write(text)
# case: {"id": "in-a-loop"}
