import sys

def log_failure(log):
    try:
        log.flush()
    except Exception:
        info = sys.exc_info()
        log.write(info)
# case: {"id": "single-handler-local-only-with-all-locals"}
