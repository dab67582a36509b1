import functools

class Download:
    def start(self, executor):
        self.future = executor.submit(self.fetch)
        self.future.add_done_callback(functools.partial(self._done, attempt=1))  # LL303
# case: {"id": "partial-of-bound-method"}
