import sys

class Template:
    def render(self, stream):
        try:
            self.write(stream)
        except Exception:
            cls, exc, tb = sys.exc_info()
            try:
                self.annotate(exc, tb)
                raise
            finally:
                del exc, tb
# case: {"id": "reraising-handler-deletes-its-locals"}
