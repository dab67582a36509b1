def handlers(names):
    out = []
    for name in names:
        out.append(lambda event: print(name, event))  # LL306
    return out
