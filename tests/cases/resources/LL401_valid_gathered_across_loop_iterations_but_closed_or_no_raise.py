from tempfile import SpooledTemporaryFile

from uploads import UploadFile


def open_all(paths):
    handles = []
    try:
        for path in paths:
            if not path.endswith(".log"):
                raise ValueError(path)
            fh = open(path)
            handles.append(fh)
    except BaseException:
        for fh in handles:
            fh.close()
        raise
    return handles


def open_each(paths):
    handles = []
    for path in paths:
        fh = open(path)
        handles.append(fh)
    return handles


def spool_each(parts, files_to_close):
    out = []
    for part in parts:
        spool = SpooledTemporaryFile(max_size=1024)
        files_to_close.append(spool)
        out.append(UploadFile(file=spool))
        if part is None:
            raise ValueError("empty part")
    return out
