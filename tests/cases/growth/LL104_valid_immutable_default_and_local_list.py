def handler(request, extra=()):
    seen = []
    seen.append(request)
    return seen
# case: {"id": "immutable-default-and-local-list"}
