import socket
import subprocess
import zipfile

def member(archive, name):
    z = zipfile.ZipFile(archive)
    return z.open(name)

def unzip(filename):
    zipfp = open(filename, "rb")
    try:
        archive = zipfile.ZipFile(zipfp)
        return archive.namelist()
    finally:
        zipfp.close()

def seed(cmd):
    process = subprocess.Popen(cmd)
    try:
        _wait_for_pip(process)
    except BaseException:
        _terminate_pip(process)
        raise
# case: {"id": "member-returned-wrapper-over-open-file-and-waiting-helper"}
