import urllib.request

def robots(url):
    try:
        f = urllib.request.urlopen(url)
    except OSError:
        return None
    else:
        return f.read().decode("utf-8")
# case: {"id": "urlopen-read-to-the-end-closes"}
