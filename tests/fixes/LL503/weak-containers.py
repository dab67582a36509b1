from weakref import WeakSet, WeakKeyDictionary, WeakValueDictionary

class Cache:
    handlers = WeakSet()

    def __init__(self):
        self.by_callback = WeakKeyDictionary()
        self.named = WeakValueDictionary()
        self.handlers.add(self.invalidate)  # LL503
        self.by_callback[self.invalidate] = "cache"  # LL503
        self.named["invalidate"] = self.invalidate  # LL503
        self.early = WeakSet([self.invalidate])  # LL503

    def invalidate(self):
        pass
