from tempfile import SpooledTemporaryFile


class MultiPartParser:
    def __init__(self, stream, make_parser):
        self.stream = stream
        self.make_parser = make_parser
        self._files_to_close_on_error = []
        self.items = []

    def on_headers_finished(self, name):
        spool = SpooledTemporaryFile(max_size=1024)  # LL401
        self._files_to_close_on_error.append(spool)
        self.items.append((name, spool))

    async def parse(self):
        parser = self.make_parser(self.on_headers_finished)
        try:
            async for chunk in self.stream:
                parser.write(chunk)
        except ValueError:
            for file in self._files_to_close_on_error:
                file.close()
            raise
        parser.finalize()
        return self.items
# case: {"id": "close-on-error-list-with-an-unguarded-later-call", "message_contains": "only in an except handler"}
