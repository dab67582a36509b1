class Editor:
    def __init__(self, buffer):
        self.buffer = buffer
        self.buffer.editor = self  # LL501
# case: {"id": "attribute-of-self-points-back"}
