import weakref

class Cache:
    def __init__(self):
        self.by_key = weakref.WeakValueDictionary()
        self.by_key[self.name] = self

    def name(self):
        return "cache"
# case: {"id": "bound-method-as-key-of-a-weak-value-dict"}
