class Node:
    def __init__(self, children=[]):
        self.children = children

    def names(self):
        return [c.name for c in self.children]
# case: {"id": "stored-but-only-read"}
