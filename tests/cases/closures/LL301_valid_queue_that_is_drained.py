PENDING = []

def submit(job):
    PENDING.append(lambda: job.run())

def drain():
    while PENDING:
        PENDING.pop()()
# case: {"id": "queue-that-is-drained"}
