import subprocess

def compiler_version(args):
    try:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    except OSError:
        return None
    stdout = proc.communicate()[0]
    return stdout
# case: {"id": "released-right-after-the-try-that-opened-it"}
