_pending = []

def add(job):
    _pending.append(job)

def flush():
    global _pending
    batch, _pending = _pending, []
    return batch
# case: {"id": "global-rebinding"}
