import functools as ft

class Service:
    @ft.lru_cache(maxsize=256)
    def lookup(self, key):  # LL103
        return key

    @ft.lru_cache
    def other(self, key):  # LL103
        return key
# case: {"confidence": "medium", "id": "bounded-is-medium-when-included", "message_contains": "up to", "options": {"include-bounded": true}}
