import subprocess

class Worker:
    def __init__(self, cmd):
        self.proc = subprocess.Popen(cmd)

    def __exit__(self, *exc):
        proc, self.proc = self.proc, None
        proc.wait()

class Cache:
    def __init__(self, path):
        self.fh = open(path)

    def __del__(self):
        fh = self.fh
        fh.close()
# case: {"id": "self-attribute-released-in-exit-or-del"}
