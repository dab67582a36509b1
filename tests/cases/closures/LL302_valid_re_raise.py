def run(job):
    try:
        job.work()
    except KeyError as e:
        raise LookupError(job.name) from e
    except ValueError as e:
        job.log(e)
        raise
# case: {"id": "re-raise"}
