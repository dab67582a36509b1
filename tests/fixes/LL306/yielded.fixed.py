def gen(names):
    for name in names:
        yield lambda name=name: name  # LL306
