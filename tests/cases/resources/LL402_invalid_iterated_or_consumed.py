def scan(path):
    total = 0
    for line in open(path):  # LL402
        total += len(line)
    words = [w for w in open(path + ".words")]  # LL402
    joined = "".join(open(path + ".parts"))  # LL402
    return total, words, joined
# case: {"id": "iterated-or-consumed"}
