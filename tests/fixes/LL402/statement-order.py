import json


def load(path, log):
    data = log.note("loading") or json.load(open(path))  # LL402
    size = log.count() + len(open(path).read())  # LL402
    return data, size
