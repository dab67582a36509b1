import subprocess
from subprocess import PIPE, Popen

def run(cmd):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)  # LL401
    out = proc.stdout.read()
    proc.wait()
    return out

def run_quiet(cmd, debug):
    if debug:
        stdout = None
    else:
        stdout = PIPE
    proc = Popen(cmd, stdout=stdout, stderr=PIPE)  # LL401
    for line in proc.stdout or ():
        print(line)
    try:
        proc.wait()
    finally:
        if proc.stdout:
            proc.stdout.close()

def trigger(cmd, debug):
    pipe = None if debug else PIPE
    kwargs = {"stdout": pipe, "stderr": pipe}
    process = Popen(cmd, **kwargs)  # LL401
    print("started", process.pid)
    if debug:
        process.communicate()
# case: {"id": "popen-pipes-never-closed", "message_contains": "pipe"}
