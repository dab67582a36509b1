import requests

def open(path):
    return path

def read(path):
    fh = open(path)
    return fh

class Session:
    pass

def fetch():
    s = Session()
    return 1
# case: {"id": "shadowed-names"}
