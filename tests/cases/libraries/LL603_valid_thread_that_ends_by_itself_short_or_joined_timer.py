import threading

class Shell:
    def interrupt(self):
        threading.Thread(target=self._request_interrupt).start()

    def _request_interrupt(self):
        self.rpc.call("interrupt")

def kill_soon(proc):
    t = threading.Timer(0.2, proc.kill)
    t.start()
    timer = threading.Timer(10, proc.kill)
    timer.start()
    proc.wait()
    timer.join()
# case: {"id": "thread-that-ends-by-itself-short-or-joined-timer"}
