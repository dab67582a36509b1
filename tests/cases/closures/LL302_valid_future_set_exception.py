def run(fut, job):
    try:
        fut.set_result(job.work())
    except BaseException as exc:
        fut.set_exception(exc)
# case: {"id": "future-set-exception"}
