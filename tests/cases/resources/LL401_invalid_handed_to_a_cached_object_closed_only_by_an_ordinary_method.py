from io import TextIOWrapper

_analyzers = {}


class Analyzer(object):
    cache = {}

    @classmethod
    def for_file(cls, filename):
        if filename in cls.cache:
            return cls.cache[filename]
        fileobj = open(filename, "rb")  # LL401
        obj = cls(fileobj, filename)
        cls.cache[filename] = obj
        return obj

    def __init__(self, source, name):
        self.name = name
        self.source = source
        self.source = TextIOWrapper(self.source, "utf-8")

    def tokenize(self):
        self.tokens = list(self.source)
        self.source.close()


def remember(filename):
    fh = open(filename, "rb")  # LL401
    _analyzers[filename] = Analyzer(fh, filename)


def analyzer(filename):
    fh = open(filename, "rb")  # LL401
    found = Analyzer(fh, filename)
    _analyzers[filename] = found
    return found
# case: {"id": "handed-to-a-cached-object-closed-only-by-an-ordinary-method", "message_contains": "class- or module-level cache"}
