ITEMS = [1, 2, 3]

def total(extra):
    return sum(ITEMS) + len(ITEMS) + ITEMS[extra]
# case: {"id": "read-only"}
