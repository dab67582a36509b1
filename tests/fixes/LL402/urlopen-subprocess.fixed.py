import subprocess
from urllib.request import urlopen

def fetch(url, cmd, log):
    with urlopen(url) as resp:  # LL402
        body = resp.read(1024)
    with open(log, "w") as fh:  # LL402
        subprocess.run(cmd, stdout=fh)
    subprocess.Popen(cmd)  # LL402
    return body
