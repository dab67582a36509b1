class Handler:
    def __init__(self, other):
        self.forward = other.handle
        self.size = self.total

    @property
    def total(self):
        return 1

    @staticmethod
    def helper():
        return 2

    def setup(self):
        self.fn = self.helper
# case: {"id": "other-objects-method-property-staticmethod"}
