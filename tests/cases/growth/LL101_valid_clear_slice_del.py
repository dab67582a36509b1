_seen = set()
_queue = []
_recent = {}

def see(item):
    _seen.add(item)
    _queue.append(item)
    _recent[item] = True

def reset():
    _seen.clear()
    del _queue[:]
    for key in list(_recent):
        del _recent[key]
# case: {"id": "clear-slice-del"}
