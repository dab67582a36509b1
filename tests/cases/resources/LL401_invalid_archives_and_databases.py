import bz2
import dbm
import fileinput
import gzip
import lzma
import mmap
import shelve
import tarfile
import wave
import zipfile

def archives(path, fd):
    a = gzip.open(path)  # LL401
    b = bz2.BZ2File(path)  # LL401
    c = lzma.open(path)  # LL401
    d = tarfile.open(path)  # LL401
    e = zipfile.ZipFile(path)  # LL401
    f = shelve.open(path)  # LL401
    g = dbm.open(path)  # LL401
    h = wave.open(path)  # LL401
    i = fileinput.input(path)  # LL401
    j = mmap.mmap(fd, 0)  # LL401
    return a.read(), b.read(), c.read(), d.getnames(), e.namelist(), f["k"], g["k"], h.getnframes(), i.readline(), j[:4]
# case: {"id": "archives-and-databases"}
