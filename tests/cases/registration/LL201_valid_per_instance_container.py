class Node:
    def __init__(self):
        self._children = []
        self._children.append(self)
# case: {"id": "per-instance-container"}
