import functools

def build(data):
    cached = functools.lru_cache(maxsize=None)(lambda k: data[k])  # LL105
    return cached
# case: {"id": "call-form-on-a-lambda"}
