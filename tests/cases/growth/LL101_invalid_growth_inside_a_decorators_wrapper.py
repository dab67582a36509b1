_calls = []

def logged(fn):
    def inner(*args):
        _calls.append(args)  # LL101
        return fn(*args)
    return inner
# case: {"id": "growth-inside-a-decorators-wrapper", "options": {"all-forms": true}}
