import time

_samples = []

def sample():
    _samples.append(time.time())  # LL101
# case: {"confidence": "medium", "id": "growth-not-keyed-by-parameters-is-medium", "options": {"all-forms": true}}
