def all_getters(names):
    return [lambda: name for name in names]  # LL306
# case: {"id": "comprehension-element"}
