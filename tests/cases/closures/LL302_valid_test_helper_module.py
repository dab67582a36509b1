import pytest

class Recorder:
    def __call__(self, func):
        try:
            func()
        except Exception as exc:
            self.error = exc
# case: {"id": "test-helper-module"}
