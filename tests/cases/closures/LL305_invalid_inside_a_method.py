class Parser:
    def parse(self, tokens):
        def expr(pos):  # LL305
            if tokens[pos] == "(":
                return expr(pos + 1)
            return self.atom(tokens[pos])
        return expr(0)
# case: {"id": "inside-a-method", "message_contains": "self"}
