def countdown(n):
    step = lambda k: k if k <= 0 else step(k - 1)  # LL305
    return step(n)
# case: {"id": "recursive-lambda"}
