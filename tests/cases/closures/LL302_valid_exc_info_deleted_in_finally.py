import sys

def report(log):
    try:
        log.flush()
    except Exception:
        exc_type, exc_value, tb = sys.exc_info()
        try:
            log.write(exc_type, exc_value, tb)
        finally:
            del exc_type, exc_value, tb
# case: {"id": "exc-info-deleted-in-finally"}
