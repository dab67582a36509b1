import functools
_cleanups = []

def _tp_cache(func=None, *, typed=False):
    def decorator(func):
        cached = functools.lru_cache(typed=typed)(func)
        _cleanups.append(cached.cache_clear)
        @functools.wraps(func)
        def inner(*args, **kwds):
            return cached(*args, **kwds)
        return inner
    if func is not None:
        return decorator(func)
    return decorator
# case: {"id": "wrapping-decorator-body"}
