import socket
from concurrent.futures import ThreadPoolExecutor

def ping(host):
    sock = socket.create_connection((host, 7))
    try:
        sock.sendall(b"ping")
        return sock.recv(4)
    finally:
        sock.close()

def run_all(jobs):
    pool = ThreadPoolExecutor(4)
    try:
        return list(pool.map(run, jobs))
    finally:
        pool.shutdown(wait=True)
# case: {"id": "released-in-finally"}
