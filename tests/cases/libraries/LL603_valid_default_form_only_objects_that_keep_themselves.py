# Reported only with all-forms = true: a loop, timer or endless thread of a plain function.
import asyncio
import threading


def fetch(coro):
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    return loop.run_until_complete(coro)


def remind(callback):
    threading.Timer(30.0, callback).start()


class Server:
    # the method that starts the thread runs until stopped itself: its frame holds the
    # server as long as the thread does
    def serve_forever(self):
        self.stop_event = threading.Event()
        accepter = threading.Thread(target=self.accepter)
        accepter.daemon = True
        accepter.start()
        while not self.stop_event.is_set():
            self.stop_event.wait(1)

    def accepter(self):
        while True:
            self.accept()

    def accept(self):
        pass


class Channels:
    # started by a later call that comes with its own stop call: all-forms
    def start_channels(self):
        self._stopped = False
        self.router = threading.Thread(target=self._route)
        self.router.start()

    def _route(self):
        while not self._stopped:
            self.receive()

    def stop_channels(self):
        self._stopped = True
        self.router.join()

    def receive(self):
        pass
