import sys

def describe_current():
    t, v, tb = sys.exc_info()
    return t, v, tb
# case: {"id": "exc-info-outside-a-handler-is-the-callers"}
