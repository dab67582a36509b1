PENDING = []

def schedule(job, payload):
    def run():
        job.process(payload)
    PENDING.append(run)  # LL301
# case: {"id": "nested-def-appended", "message_contains": "job, payload"}
