def check_notify(cond, results):
    cond.acquire()
    results.append(cond.wait())
    cond.release()
# case: {"id": "lock-passed-as-a-parameter"}
