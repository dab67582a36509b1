import subprocess
from subprocess import PIPE, Popen

def run(cmd):
    proc = Popen(cmd, stdout=PIPE, stderr=PIPE)
    for line in proc.stdout:
        print(line)
    try:
        proc.wait()
    finally:
        proc.stdout.close()
        proc.stderr.close()

def output(cmd):
    try:
        proc = Popen(cmd, stdout=PIPE, stderr=PIPE)
    except OSError:
        return None
    out, err = proc.communicate()
    return out

def text_of(cmd):
    proc = subprocess.Popen(cmd, stdout=PIPE)
    reader = open_text(proc.stdout)
    proc.wait()
    return reader
# case: {"id": "popen-pipes-closed-communicated-or-handed-on"}
