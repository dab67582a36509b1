class Plugin:
    registry = {}

    def __init__(self):
        self.registry = {}
        self.registry["me"] = self
# case: {"id": "class-default-shadowed-per-instance"}
