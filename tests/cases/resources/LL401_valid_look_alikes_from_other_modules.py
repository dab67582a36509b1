from mylib import open, Session

def read(path):
    fh = open(path)
    return fh.read()

def fetch(url):
    session = Session()
    return session.get(url)
# case: {"id": "look-alikes-from-other-modules"}
