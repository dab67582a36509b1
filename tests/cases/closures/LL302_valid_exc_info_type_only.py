import sys

def kind():
    exc_type = sys.exc_info()[0]
    return exc_type.__name__ if exc_type else None
# case: {"id": "exc-info-type-only"}
