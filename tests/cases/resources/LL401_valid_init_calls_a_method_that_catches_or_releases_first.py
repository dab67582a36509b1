import fcntl
import subprocess


def _grow_pipe(fd):
    try:
        fcntl.fcntl(fd, 1031, 1 << 20)
    except OSError:
        pass


class Reader:
    def __init__(self, path):
        self.process = subprocess.Popen(["gzip", "-cd", path], stdout=subprocess.PIPE)
        _grow_pipe(self.process.stdout.fileno())
        self._log()

    def _log(self):
        def fail():
            raise OSError("never called here")
        return fail

    def close(self):
        self.process.stdout.close()
        self.process.wait()


class Writer:
    def __init__(self, path):
        self.fh = open(path, "wb")
        try:
            self._check()
        except OSError:
            self.fh.close()
            raise

    def _check(self):
        raise OSError("no space")

    def close(self):
        self.fh.close()
