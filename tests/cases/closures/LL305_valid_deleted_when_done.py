def flatten(tree):
    out = []

    def visit(node):
        out.append(node)
        for child in node.children:
            visit(child)

    try:
        visit(tree)
        return out
    finally:
        del visit
# case: {"id": "deleted-when-done"}
