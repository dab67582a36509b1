import socket
import sqlite3
from concurrent.futures import ThreadPoolExecutor

def misc(db, host, job):
    rows = sqlite3.connect(db).execute("select 1").fetchall()  # LL402
    socket.create_connection((host, 80)).sendall(b"x")  # LL402
    future = ThreadPoolExecutor().submit(job)  # LL402
    return rows, future
# case: {"id": "connections-and-pools"}
