import functools

class SingletonMeta(type):
    _instances = {}

class Settings(metaclass=SingletonMeta):
    @functools.lru_cache(maxsize=None)
    def get(self, key):
        return key

class Registry:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    @functools.cache
    def lookup(self, key):
        return key

class _Config:
    @functools.lru_cache(maxsize=None)
    def value(self, key):
        return key

config = _Config()
# case: {"id": "singletons"}
