import subprocess
import sys

def open_browser(cmdline):
    if sys.platform == "win32":
        proc = subprocess.Popen(cmdline)
    else:
        proc = subprocess.Popen(cmdline, close_fds=True)
    return not proc.wait()
# case: {"id": "waited-right-after-alternative-bindings"}
