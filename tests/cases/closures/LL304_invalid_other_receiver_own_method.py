class Job:
    def result(self):
        return 1

def make_job():
    job = Job()
    job.wait = job.result  # LL304
    return job
# case: {"confidence": "medium", "id": "other-receiver-own-method"}
