import json
from urllib.request import urlopen

def fetch(url):
    return json.loads(urlopen(url).read())
# case: {"id": "urlopen-read-to-eof"}
