import json

def load(path):
    with open(path) as fh:  # LL402
        text = fh.read()
    with open(path + ".json") as fh:  # LL402
        data = json.load(fh)
    with open(path) as fh:  # LL402
        count = len(fh.readlines())
    return text, data, count
