class Error:
    def unwrap(self):
        captured_error = self.error
        try:
            raise captured_error
        finally:
            del captured_error, self
# case: {"id": "raised-local-deleted-in-finally"}
