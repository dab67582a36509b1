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
    with gzip.open(path) as a:  # LL401
        with bz2.BZ2File(path) as b:  # LL401
            with lzma.open(path) as c:  # LL401
                with tarfile.open(path) as d:  # LL401
                    with zipfile.ZipFile(path) as e:  # LL401
                        with shelve.open(path) as f:  # LL401
                            with dbm.open(path) as g:  # LL401
                                with wave.open(path) as h:  # LL401
                                    with fileinput.input(path) as i:  # LL401
                                        with mmap.mmap(fd, 0) as j:  # LL401
                                            return a.read(), b.read(), c.read(), d.getnames(), e.namelist(), f["k"], g["k"], h.getnframes(), i.readline(), j[:4]
