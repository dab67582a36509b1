class Registry:
    failures = {}

    def load(self, name):
        try:
            return __import__(name)
        except ImportError as e:
            Registry.failures[name] = e  # LL302
# case: {"id": "class-container", "options": {"all-forms": true}}
