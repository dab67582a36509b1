class TarIO:
    def __init__(self, tarfile, member):
        self.fh = open(tarfile, "rb")
        while True:
            header = self.fh.read(512)
            if len(header) != 512:
                self.fh.close()
                raise OSError("unexpected end of tar file")
            if header.startswith(member):
                break

    def close(self):
        self.fh.close()

class Checked:
    def __init__(self, path, mode):
        if mode not in ("r", "rb"):
            raise ValueError(mode)
        self.fh = open(path, mode)
        try:
            self.check()
        except Exception:
            self.fh.close()
            raise

    def close(self):
        self.fh.close()
# case: {"id": "init-releases-before-it-raises"}
