REGISTRY = {}

class Job:
    def start(self):
        REGISTRY[id(self)] = self

    def _finish(self):
        REGISTRY.pop(id(self), None)

    def run(self):
        self.start()
        try:
            pass
        finally:
            self._finish()
# case: {"id": "removed-in-called-method"}
