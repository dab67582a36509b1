class Registry:
    failures = {}

    def load(self, name):
        try:
            return __import__(name)
        except ImportError as e:
            Registry.failures[name] = e.with_traceback(None)  # LL302
