import functools

class Parser:
    def __init__(self):
        self.dispatch = {"a": self.parse_a, "b": self.parse_b}  # LL304
        self.on_b = functools.partial(self.parse_b, strict=True)  # LL304
        self.alias = self.parse_a  # LL304

    def parse_a(self, text):
        return text

    def parse_b(self, text, strict=False):
        return text
# case: {"id": "dispatch-dict-partial-alias"}
