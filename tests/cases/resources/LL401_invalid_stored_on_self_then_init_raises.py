class TarIO:
    def __init__(self, tarfile, member):
        self.fh = open(tarfile, "rb")  # LL401
        while True:
            header = self.fh.read(512)
            if len(header) != 512:
                raise OSError("unexpected end of tar file")
            if header.startswith(member):
                break
# case: {"id": "stored-on-self-then-init-raises", "message_contains": "__init__ raises"}
