from threading import Thread

def watch(path, queue):
    while True:
        queue.put(path)

def on_upload(path, queue):
    worker = Thread(target=watch, args=(path, queue))  # LL603
    worker.start()

def on_connect(server):
    Thread(target=server.serve_forever, daemon=False).start()  # LL603
# case: {"id": "endless-thread-never-joined", "options": {"all-forms": true}}
