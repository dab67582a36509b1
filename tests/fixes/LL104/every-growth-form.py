import collections

def walk(node, seen=set()):  # LL104
    seen.add(node)
    for child in node.children:
        walk(child, seen)

def index(rows, by_key={}):  # LL104
    for row in rows:
        by_key[row.key] = row
    return by_key

def count(words, counts=collections.Counter()):  # LL104
    counts.update(words)
    return counts

def group(pairs, groups=collections.defaultdict(list)):  # LL104
    for k, v in pairs:
        groups[k].append(v)
    return groups

def extend(items, acc=[]):  # LL104
    acc += items
    return acc
