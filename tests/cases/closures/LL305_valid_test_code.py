def test_walk(tree):
    def walk(node):
        return [node] + [n for c in node.children for n in walk(c)]
    assert walk(tree)
# case: {"id": "test-code"}
