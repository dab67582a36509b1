import functools

def handlers(names, registry, handle):
    for name in names:
        registry.append(functools.partial(handle, name))
# case: {"id": "partial-binds-the-value"}
