import sys

class Manager:
    async def __aexit__(self, etype, exc, tb):
        combined = self.close(exc)
        try:
            raise combined
        finally:
            _, value, _ = sys.exc_info()
            value.__context__ = None
            del _, value, combined
# case: {"id": "exc-info-in-finally-deleted"}
