def all_getters(names):
    return [lambda name=name: name for name in names]  # LL306
