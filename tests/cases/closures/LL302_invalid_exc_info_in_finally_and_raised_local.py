import sys

class Manager:
    async def __aexit__(self, etype, exc, tb):
        combined = self.close(exc)  # LL302
        try:
            raise combined
        finally:
            _, value, _ = sys.exc_info()  # LL302
            value.__context__ = None
# case: {"id": "exc-info-in-finally-and-raised-local", "message_contains": "reference cycle", "options": {"all-forms": true}}
