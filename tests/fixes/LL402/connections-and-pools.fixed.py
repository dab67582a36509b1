import contextlib
import socket
import sqlite3
from concurrent.futures import ThreadPoolExecutor

def misc(db, host, job):
    with contextlib.closing(sqlite3.connect(db)) as conn:  # LL402
        rows = conn.execute("select 1").fetchall()
    with socket.create_connection((host, 80)) as res:  # LL402
        res.sendall(b"x")
    future = ThreadPoolExecutor().submit(job)  # LL402
    return rows, future
