def make():
    def inner(n):
        inner = n
        return inner
    return inner
# case: {"id": "name-rebound-locally"}
