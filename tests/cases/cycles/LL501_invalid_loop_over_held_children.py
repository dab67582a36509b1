class Tree:
    def __init__(self, nodes):
        self.nodes = list(nodes)
        for node in self.nodes:
            node.tree = self  # LL501
# case: {"id": "loop-over-held-children"}
