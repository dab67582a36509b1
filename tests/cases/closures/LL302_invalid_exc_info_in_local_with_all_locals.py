import sys

def log_failure(log):
    try:
        log.flush()
    except Exception:
        info = sys.exc_info()  # LL302
        log.write(info)
# case: {"id": "exc-info-in-local-with-all-locals", "options": {"all_locals": true, "all-forms": true}}
