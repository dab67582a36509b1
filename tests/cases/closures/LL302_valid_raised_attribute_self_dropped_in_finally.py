class Future:
    def result(self):
        if self._exception is not None:
            try:
                raise self._exception
            finally:
                self = None  # break the cycle, as concurrent.futures does
        return self._result
# case: {"id": "raised-attribute-self-dropped-in-finally"}
