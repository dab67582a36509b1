import threading

def spawn(work):
    t = threading.Thread(target=work, daemon=True)
    t.start()
    u = threading.Thread(target=work)
    u.daemon = True
    u.start()

def run_all(jobs):
    threads = [threading.Thread(target=j) for j in jobs]
    for t in threads:
        t.start()
    w = threading.Thread(target=jobs[0])
    w.start()
    w.join()
# case: {"id": "daemon-or-joined"}
