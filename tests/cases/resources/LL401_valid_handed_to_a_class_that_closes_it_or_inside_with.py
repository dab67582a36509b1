class Reader:
    def __init__(self, fh):
        self.fh = fh

    def close(self):
        self.fh.close()

class Analyzer:
    @classmethod
    def for_file(cls, filename):
        with open(filename, "rb") as fileobj:
            return cls(fileobj)

    def __init__(self, source):
        self.code = source.read()

def reader(path):
    fh = open(path)
    return Reader(fh)
# case: {"id": "handed-to-a-class-that-closes-it-or-inside-with"}
