def table(names, handlers):
    for name in names:
        handlers[name] = lambda name=name: name.upper()  # LL306
