import subprocess

def run(argv):
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout: bytes
    stdout, stderr = proc.communicate()
    return stdout
# case: {"id": "released-next-after-an-annotation"}
