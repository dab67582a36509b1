class Pipe:
    @property
    def reader(self):
        return 1

    @staticmethod
    def helper():
        return 2

    def __init__(self):
        self.r = self.reader
        self.h = self.helper

    def __del__(self):
        pass
# case: {"id": "property-and-staticmethod-values"}
