import pathlib
from zipfile import ZipFile

def read_member(archive, name):
    with ZipFile(archive) as zf:
        member = zf.open(name)  # LL401
        return member.read()

def first_line(path: pathlib.Path):
    fh = path.open()  # LL401
    return fh.readline()

def config(root):
    fh = (pathlib.Path(root) / "setup.cfg").open()  # LL401
    return fh.read()
# case: {"id": "method-forms"}
