class Analyzer:
    cache = {}

    @classmethod
    def for_file(cls, filename):
        fileobj = open(filename, "rb")  # LL401
        obj = cls(fileobj, filename)
        cls.cache[filename] = obj
        return obj

    def __init__(self, source, name):
        self.name = name
        self.source = source
        self.code = self.source.read()
# case: {"id": "handed-to-a-class-that-keeps-it-and-never-closes-it", "message_contains": "keeps it on the new object"}
