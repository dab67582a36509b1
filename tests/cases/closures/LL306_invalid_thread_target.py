import threading

def start(workers):
    for worker in workers:
        def run():  # LL306
            worker.loop()
        threading.Thread(target=run).start()
# case: {"id": "thread-target"}
