import functools

REGISTRY = {}

def handle(request):
    @functools.wraps(request.view)
    def view(*args):
        return request.view(*args)
    return view
# case: {"id": "decorated-nested-def-not-registered"}
