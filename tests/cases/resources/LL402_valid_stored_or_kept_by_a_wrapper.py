import io

class Files:
    def __init__(self, paths):
        self.handles = [open(p) for p in paths]
        self.log = open("files.log", "a")
        self.handles.append(open("extra"))

    def text(self, path):
        return io.TextIOWrapper(open(path, "rb"), encoding="utf-8")
# case: {"id": "stored-or-kept-by-a-wrapper"}
