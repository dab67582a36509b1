import sys

class Template:
    def render(self, stream):
        try:
            self.write(stream)
        except Exception:
            cls, exc, tb = sys.exc_info()  # LL302
            self.annotate(exc, tb)
            raise
# case: {"id": "reraising-handler-keeps-exc-info", "message_contains": "handler that raises", "options": {"all-forms": true}}
