import mmap
import subprocess
import tempfile
from urllib.request import urlopen

def test_can_create():
    tempfile.TemporaryFile()
    mmap.mmap(-1, 8)

def test_bad_executable():
    try:
        subprocess.Popen(["does-not-exist"])
    except OSError:
        pass

def test_data_url():
    assert urlopen("data:,hello").read() == b"hello"
# case: {"id": "probes-and-data-urls"}
