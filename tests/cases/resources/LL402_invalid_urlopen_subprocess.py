import subprocess
from urllib.request import urlopen

def fetch(url, cmd, log):
    body = urlopen(url).read(1024)  # LL402
    subprocess.run(cmd, stdout=open(log, "w"))  # LL402
    subprocess.Popen(cmd)  # LL402
    return body
# case: {"id": "urlopen-subprocess"}
