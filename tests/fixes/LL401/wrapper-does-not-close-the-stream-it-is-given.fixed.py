import tarfile
import urllib.request

def fetch_and_extract(url, target):
    with urllib.request.urlopen(url) as resp:  # LL401
        with tarfile.open(fileobj=resp, mode="r|*") as tf:
            tf.extractall(target)
