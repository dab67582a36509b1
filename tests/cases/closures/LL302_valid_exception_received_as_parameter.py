class Handler:
    def handle_error(self, exc):
        self.last_error = exc
# case: {"id": "exception-received-as-parameter"}
