class Entity:
    _by_key = {}

    def __init__(self, key):
        self.key = key
        self._by_key[self.key] = self  # LL201
# case: {"id": "class-attribute-through-self"}
