def table(names, handlers):
    for name in names:
        handlers[name] = lambda: name.upper()  # LL306
