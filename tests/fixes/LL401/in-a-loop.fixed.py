def write_all(paths, text):
    for path in paths:
        with open(path, "w") as fh:  # LL401
            fh.write(text)
