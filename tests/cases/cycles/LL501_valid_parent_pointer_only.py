class Node:
    def __init__(self, parent):
        self.parent = parent
# case: {"id": "parent-pointer-only"}
