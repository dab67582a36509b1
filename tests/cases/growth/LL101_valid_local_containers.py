def handler(request):
    seen = {}
    seen[request.id] = request
    return seen

_cache = {}

def local_shadow(key):
    _cache = {}
    _cache[key] = 1
    return _cache
# case: {"id": "local-containers"}
