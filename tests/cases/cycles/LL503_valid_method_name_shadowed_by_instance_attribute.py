import weakref

class Holder:
    def __init__(self, obj):
        self.target = obj
        self._ref = weakref.ref(self.target)

    def target(self):
        return None
# case: {"id": "method-name-shadowed-by-instance-attribute"}
