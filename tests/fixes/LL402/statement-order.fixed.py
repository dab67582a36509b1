import json


def load(path, log):
    data = log.note("loading") or json.load(open(path))  # LL402
    with open(path) as fh:  # LL402
        size = log.count() + len(fh.read())
    return data, size
