def build(names, registry):
    for name in names:
        registry.append(lambda *args, sep=",": print(name, *args, sep=sep))  # LL306
    return registry
