import collections

_events = []
_users = set()
_counts = collections.Counter()
_by_kind = collections.defaultdict(list)
_order = collections.OrderedDict()
_queue = collections.deque()
_meta = dict()

def on_event(event):
    _events.append(event)  # LL101
    _users.add(event.user)  # LL101
    _counts[event.kind] += 1  # LL101
    _by_kind[event.kind].append(event)  # LL101
    _order[event.id] = event  # LL101
    _queue.appendleft(event)  # LL101
    _meta.update({event.id: event.meta})  # LL101
# case: {"id": "every-growth-method", "options": {"all-forms": true}}
