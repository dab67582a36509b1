import subprocess


def _grow_pipe(fd):
    if fd < 0:
        raise OSError("bad descriptor")


class Reader:
    def __init__(self, path):
        self.process = subprocess.Popen(["gzip", "-cd", path], stdout=subprocess.PIPE)  # LL401
        self.name = path
        self._check()

    def _check(self):
        if self.process.poll():
            raise OSError("gzip failed")

    def close(self):
        self.process.stdout.close()
        self.process.wait()


class Writer:
    def __init__(self, path):
        self.fh = open(path, "wb")  # LL401
        _grow_pipe(self.fh.fileno())

    def close(self):
        self.fh.close()
# case: {"id": "stored-on-self-then-init-calls-a-method-that-raises", "message_contains": "__init__ raises"}
