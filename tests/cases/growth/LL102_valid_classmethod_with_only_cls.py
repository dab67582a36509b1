import functools

class Loader:
    @classmethod
    @functools.cache
    def default(cls):
        return cls()
# case: {"id": "classmethod-with-only-cls"}
