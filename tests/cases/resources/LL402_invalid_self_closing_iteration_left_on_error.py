import os


class LocalFileSystem:
    def ls(self, path):
        # an exception from info() mid-iteration leaves the directory descriptor open
        return [self.info(f) for f in os.scandir(path)]  # LL402

    def info(self, entry):
        return entry.stat(follow_symlinks=False)


def checked(root):
    for entry in os.scandir(root):  # LL402
        if entry.is_symlink():
            raise ValueError(entry.path)
# case: {"id": "self-closing-iteration-left-on-error", "confidence": "medium"}
