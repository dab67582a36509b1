import tarfile
import urllib.request

def fetch_and_extract(url, target):
    resp = urllib.request.urlopen(url)  # LL401
    with tarfile.open(fileobj=resp, mode="r|*") as tf:
        tf.extractall(target)
# case: {"id": "wrapper-does-not-close-the-stream-it-is-given"}
