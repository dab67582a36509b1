import atexit
import socket
import threading

def serve(listener):
    conn, _ = listener.accept()
    log = open("conn.log", "a")
    threading.Thread(target=handle, args=(conn, log)).start()

def keep_open(path):
    fh = open(path)
    def close():
        fh.close()
    atexit.register(close)
    return fh.readline()
# case: {"id": "handed-to-a-thread-or-captured"}
