def schedule(executor, jobs):
    for job in jobs:
        payload = job.load()
        executor.submit(lambda job=job, payload=payload: job.run(payload))  # LL306
