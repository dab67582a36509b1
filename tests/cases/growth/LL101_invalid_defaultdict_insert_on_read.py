from collections import defaultdict

_hits = defaultdict(int)

def lookup(key):
    return _hits[key]  # LL101
# case: {"id": "defaultdict-insert-on-read", "options": {"all-forms": true}}
