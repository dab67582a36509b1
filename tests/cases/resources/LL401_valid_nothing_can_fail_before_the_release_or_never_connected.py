import socket
import subprocess
from http import client

def free_port():
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port

def run_quietly(args, quiet):
    with quiet():
        proc = subprocess.Popen(args, stdout=subprocess.PIPE)
    out, _ = proc.communicate()
    return out

def run_checked(cmd):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    try:
        out, err = proc.communicate()
    finally:
        proc.stdout.close()
    return out

def configure(context):
    h = client.HTTPSConnection("localhost", 443, context=context)
    return h.host
# case: {"id": "nothing-can-fail-before-the-release-or-never-connected"}
