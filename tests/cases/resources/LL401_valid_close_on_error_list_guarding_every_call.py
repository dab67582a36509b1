from tempfile import SpooledTemporaryFile


class MultiPartParser:
    def __init__(self, stream, make_parser):
        self.stream = stream
        self.make_parser = make_parser
        self._files_to_close_on_error = []
        self.items = []

    def on_headers_finished(self, name):
        spool = SpooledTemporaryFile(max_size=1024)
        self._files_to_close_on_error.append(spool)
        self.items.append((name, spool))

    async def parse(self):
        parser = self.make_parser(self.on_headers_finished)
        try:
            async for chunk in self.stream:
                parser.write(chunk)
            parser.finalize()
        except ValueError:
            for file in self._files_to_close_on_error:
                file.close()
            raise
        return self.items


class Batch:
    def __init__(self, make_parser):
        self.make_parser = make_parser
        self._open = []

    def add(self, path):
        fh = open(path)
        self._open.append(fh)

    def run(self, chunks):
        parser = self.make_parser(self.add)
        try:
            for chunk in chunks:
                parser.feed(chunk)
        except ValueError:
            for fh in self._open:
                fh.close()
            raise
        parser.finish()

    def close(self):
        for fh in self._open:
            fh.close()
