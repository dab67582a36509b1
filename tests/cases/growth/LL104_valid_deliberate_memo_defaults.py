def fib(n, _memo={}):
    if n not in _memo:
        _memo[n] = n if n < 2 else fib(n - 1) + fib(n - 2)
    return _memo[n]

def synopsis(filename, cache={}):
    cache[filename] = open(filename).readline()
    return cache[filename]
# case: {"id": "deliberate-memo-defaults"}
