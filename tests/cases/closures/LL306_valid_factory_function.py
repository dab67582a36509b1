def make(n):
    out = []
    for i in range(n):
        def factory(i):
            return lambda: i
        out.append(factory(i))
    return out
# case: {"id": "factory-function"}
