import asyncio
import multiprocessing as mp
import subprocess
from concurrent import futures

def jobs(cmd, items):
    proc = subprocess.Popen(cmd)  # LL401
    pool = mp.Pool(4)  # LL401
    threads = futures.ThreadPoolExecutor(4)  # LL401
    procs = futures.ProcessPoolExecutor(2)  # LL401
    loop = asyncio.new_event_loop()  # LL401
    spawn = mp.get_context("spawn").Pool(2)  # LL401
    return proc.pid, pool.map(len, items), threads.submit(len, items), procs.submit(len, items), loop.time(), spawn.map(len, items)
# case: {"id": "processes-and-concurrency"}
