import functools

class _Config:
    @functools.lru_cache(maxsize=None)
    def value(self, key):  # LL103
        return key

config = _Config()

def fresh():
    return _Config()
# case: {"id": "private-class-instantiated-more-than-once"}
