def copy(src, dst):
    fh = open(src)  # LL401
    data = fh.read()
    fh = open(dst, "w")
    with fh:
        fh.write(data)
# case: {"id": "rebound-before-close", "message_contains": "re-bound"}
