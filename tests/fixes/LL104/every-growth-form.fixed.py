import collections

def walk(node, seen=None):  # LL104
    if seen is None:
        seen = set()
    seen.add(node)
    for child in node.children:
        walk(child, seen)

def index(rows, by_key=None):  # LL104
    if by_key is None:
        by_key = {}
    for row in rows:
        by_key[row.key] = row
    return by_key

def count(words, counts=None):  # LL104
    if counts is None:
        counts = collections.Counter()
    counts.update(words)
    return counts

def group(pairs, groups=None):  # LL104
    if groups is None:
        groups = collections.defaultdict(list)
    for k, v in pairs:
        groups[k].append(v)
    return groups

def extend(items, acc=None):  # LL104
    if acc is None:
        acc = []
    acc += items
    return acc
