class Mock:
    def configure(self, name, value):
        if name == "method":
            original = value
            value = lambda *args: original(self, *args)
            self._children[name] = value
        elif name == "__class__":
            self._spec_class = value
# case: {"id": "name-rebound-in-another-branch"}
