def schedule(executor, jobs):
    for job in jobs:
        payload = job.load()
        executor.submit(lambda: job.run(payload))  # LL306
