class symbol(int):
    symbols = {}

    def __new__(cls, name):
        sym = cls.symbols.get(name)
        if sym is None:
            sym = int.__new__(cls, hash(name))
            cls.symbols[name] = sym
        return sym

class Color:
    _cache = {}

    @classmethod
    def named(cls, name):
        if name not in cls._cache:
            obj = cls()
            cls._cache[name] = obj
        return cls._cache[name]
# case: {"id": "interning-in-new-and-factory"}
