class Child:
    def __init__(self, parent, name):
        self.name = name
        self.size = len(parent.items)

class Parent:
    def __init__(self):
        self.items = []
        self.first = Child(self, "first")
# case: {"id": "constructor-reads-but-does-not-store"}
