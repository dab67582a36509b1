import threading

class Runner:
    def start(self):
        def event_loop():
            while True:
                item = self.queue.get()
                if item is None:
                    return
                item()
        self._thread = threading.Thread(target=event_loop)
        self._thread.start()

def stress(token):
    try:
        while True:
            token.run_sync_soon(print)
    except RuntimeError:
        pass

def main(token):
    thread = threading.Thread(target=stress, args=(token,))
    thread.start()
# case: {"id": "loops-that-end-by-themselves"}
