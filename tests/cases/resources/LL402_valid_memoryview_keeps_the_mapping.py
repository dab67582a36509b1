import mmap

def view(fh):
    return memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
# case: {"id": "memoryview-keeps-the-mapping"}
