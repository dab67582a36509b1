from io import TextIOWrapper


class Analyzer(object):
    cache = {}

    @classmethod
    def for_file(cls, filename):
        fileobj = open(filename, "rb")
        obj = cls(fileobj, filename)
        obj.tokenize()
        return obj

    @classmethod
    def cached(cls, filename):
        fileobj = open(filename, "rb")
        obj = cls(fileobj, filename)
        cls.cache[filename] = obj
        return obj

    def __init__(self, source, name):
        self.name = name
        self.source = source

    def tokenize(self):
        self.tokens = list(self.source)

    def close(self):
        self.source.close()


class Reader(object):
    def __init__(self, stream):
        self.stream = stream

    def read_all(self):
        data = self.stream.read()
        self.stream.close()
        return data


def read(path):
    fh = open(path)
    return Reader(fh).read_all()


def reader(path):
    fh = open(path)
    r = Reader(fh)
    return r
