import functools

class Service:
    @functools.cache
    def lookup(self, key):
        return key

def outer():
    @functools.cache
    def inner(x):
        return x
    return inner(1)
# case: {"id": "methods-and-nested-functions-belong-to-other-rules"}
