class Font:
    def load(self, filename):
        fp = open(filename, "rb")
        return self._keep(fp)

    def _keep(self, file):
        self.file = file
        return file.readline()

def _closing_range(fp, size):
    try:
        yield fp.read(size)
    finally:
        fp.close()

def static_file(filename):
    body = open(filename, "rb")
    return Response(_closing_range(body, 100))
# case: {"id": "handed-to-a-function-that-keeps-or-closes-it"}
