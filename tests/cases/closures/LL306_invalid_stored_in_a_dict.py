def table(names, handlers):
    for name in names:
        handlers[name] = lambda: name.upper()  # LL306
# case: {"id": "stored-in-a-dict"}
