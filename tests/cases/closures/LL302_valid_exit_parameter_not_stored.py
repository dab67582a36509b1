class Group:
    async def __aexit__(self, exc_type, exc_val, exc_tb):
        if exc_val is not None:
            self.log(exc_val)
            self.failed = True
# case: {"id": "exit-parameter-not-stored"}
