from tempfile import SpooledTemporaryFile

from uploads import UploadFile


async def parse(stream):
    items = []
    file = None
    async for chunk in stream:
        for kind, data in chunk:
            if kind == "begin":
                try:
                    field = data["name"]
                except KeyError:
                    raise ValueError("no name")
                if "filename" in data:
                    spool = SpooledTemporaryFile(max_size=1024)  # LL401
                    file = UploadFile(file=spool, size=0)
                else:
                    file = None
            elif kind == "end":
                items.append((field, file))
    return items


def open_all(paths):
    handles = []
    for path in paths:
        if not path.endswith(".log"):
            raise ValueError(path)
        fh = open(path)  # LL401
        handles.append(fh)
    return handles
# case: {"id": "gathered-across-loop-iterations-then-raise", "message_contains": "across iterations"}
