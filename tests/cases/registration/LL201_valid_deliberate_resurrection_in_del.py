class Lazarus:
    resurrected = []

    def __del__(self):
        Lazarus.resurrected.append(self)
# case: {"id": "deliberate-resurrection-in-del"}
