def gen(names):
    for name in names:
        yield lambda: name  # LL306
# case: {"id": "yielded"}
