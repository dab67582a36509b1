import threading

def test_phases():
    cond = threading.Condition()

    def worker():
        cond.acquire()
        ready.append(1)
        cond.wait()
        cond.release()

    start(worker)
# case: {"id": "lock-made-in-the-enclosing-function"}
