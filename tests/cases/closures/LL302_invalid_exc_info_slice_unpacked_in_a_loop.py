import sys

def run_jobs(jobs, events):
    for job in jobs:
        try:
            job()
        except Exception:
            exc, tb = sys.exc_info()[1:]  # LL302
            events.append((job, str(tb)))
# case: {"id": "exc-info-slice-unpacked-in-a-loop", "options": {"all-forms": true}}
