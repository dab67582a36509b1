def scan(path):
    total = 0
    for line in open(path):  # LL402
        total += len(line)
    words = [w for w in open(path + ".words")]  # LL402
    with open(path + ".parts") as fh:  # LL402
        joined = "".join(fh)
    return total, words, joined
