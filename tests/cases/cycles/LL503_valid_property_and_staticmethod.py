import weakref

class Model:
    @property
    def owner(self):
        return self._owner

    @staticmethod
    def helper():
        return 1

    def __init__(self, owner):
        self._owner = owner
        self._owner_ref = weakref.ref(self.owner)
        self._helper_ref = weakref.ref(self.helper)
# case: {"id": "property-and-staticmethod"}
