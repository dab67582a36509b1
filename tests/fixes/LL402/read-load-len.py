import json

def load(path):
    text = open(path).read()  # LL402
    data = json.load(open(path + ".json"))  # LL402
    count = len(open(path).readlines())  # LL402
    return text, data, count
