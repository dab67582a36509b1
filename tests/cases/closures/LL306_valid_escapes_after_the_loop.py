def last(items):
    for item in items:
        def show():
            return item
    return [show]
# case: {"id": "escapes-after-the-loop"}
