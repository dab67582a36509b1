import pathlib
import zipfile

def member(archive, name, root):
    data = zipfile.ZipFile(archive).open(name).read()  # LL402
    head = pathlib.Path(root, "README").open().readline()  # LL402
    return data, head
# case: {"id": "method-forms"}
