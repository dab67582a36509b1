class Error:
    def unwrap(self):
        captured_error = self.error  # LL302
        raise captured_error
# case: {"id": "raised-local", "message_contains": "raise captured_error"}
