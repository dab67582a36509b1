from mylib import open, urlopen

def read(path, url):
    return open(path).read() + urlopen(url).read()
# case: {"id": "look-alikes"}
