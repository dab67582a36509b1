class Random:
    def __init_subclass__(cls, **kwargs):
        cls._randbelow = cls._randbelow_with_getrandbits

    def _randbelow_with_getrandbits(self, n):
        return n
# case: {"id": "class-attribute-is-a-plain-function"}
