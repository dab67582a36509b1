import weakref

class Child:
    def __init__(self, parent):
        self.parent = weakref.proxy(parent)

class Parent:
    def __init__(self):
        self.children = [Child(self)]
# case: {"id": "constructor-stores-a-proxy"}
