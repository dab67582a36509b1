class Node:
    def __init__(self, parent):
        self.parent = parent  # LL502
        parent.children.append(self)

    def __del__(self):
        print("bye")
# case: {"id": "parent-child-cycle"}
