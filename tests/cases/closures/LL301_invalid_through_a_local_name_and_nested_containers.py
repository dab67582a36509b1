REGISTRY = {"open": []}

def handle(request):
    cb = lambda: request.finish()
    REGISTRY["open"].append(cb)  # LL301
    REGISTRY["all"] = [cb]  # LL301
# case: {"id": "through-a-local-name-and-nested-containers"}
