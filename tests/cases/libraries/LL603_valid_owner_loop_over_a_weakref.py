import threading
import weakref

class Poller:
    def __init__(self):
        self._shutdown = False
        self._thread = threading.Thread(target=self._loop, args=(weakref.ref(self),), daemon=True)
        self._thread.start()

    @staticmethod
    def _loop(ref):
        while True:
            poller = ref()
            if poller is None or poller._shutdown:
                return
            poller.poll()
            del poller
# case: {"id": "owner-loop-over-a-weakref"}
