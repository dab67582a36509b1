class Font:
    def load(self, filename):
        fp = open(filename, "rb")  # LL401
        return self._load_data(fp)

    def _load_data(self, file):
        if file.readline() != b"PILfont\n":
            raise SyntaxError("not a font file")
        return file.read(256)

def _iter_range(fp, offset, size):
    fp.seek(offset)
    while size > 0:
        part = fp.read(min(size, 1024))
        if not part:
            break
        size -= len(part)
        yield part

def static_file(filename, head, ranged):
    body = "" if head else open(filename, "rb")  # LL401
    if ranged:
        if body:
            body = _iter_range(body, 0, 100)
        return Response(body, status=206)
    return Response(body)
# case: {"id": "handed-to-a-function-that-only-reads-it", "message_contains": "only reads it"}
