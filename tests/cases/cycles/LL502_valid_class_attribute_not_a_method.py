class Pipe:
    handler = None

    def __init__(self):
        self.on_close = self.handler

    def __del__(self):
        pass
# case: {"id": "class-attribute-not-a-method"}
