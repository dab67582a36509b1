import os
import subprocess
import sys

def restart(argv):
    subprocess.Popen([sys.executable] + argv)
    os._exit(0)
# case: {"id": "popen-then-process-exit"}
