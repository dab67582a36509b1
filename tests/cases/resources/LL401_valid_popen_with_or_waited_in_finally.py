import subprocess

def run(cmd):
    with subprocess.Popen(cmd, stdout=subprocess.PIPE) as proc:
        return proc.stdout.read()

def run_waited(cmd):
    proc = subprocess.Popen(cmd)
    try:
        return proc.pid
    finally:
        proc.wait()
# case: {"id": "popen-with-or-waited-in-finally"}
