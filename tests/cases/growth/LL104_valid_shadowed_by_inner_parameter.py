def outer(items=[]):
    def inner(items):
        items.append(1)
    return inner
# case: {"id": "shadowed-by-inner-parameter"}
