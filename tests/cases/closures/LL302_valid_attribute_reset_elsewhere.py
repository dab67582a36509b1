class Task:
    def run(self):
        try:
            self.work()
        except Exception as e:
            self.error = e

    def result(self):
        error, self.error = self.error, None
        if error is not None:
            try:
                raise error
            finally:
                del error  # a raised local still referencing it is a cycle of its own

    def reset(self):
        self.error = None
# case: {"id": "attribute-reset-elsewhere"}
