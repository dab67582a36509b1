import _thread

class Barrier:
    def __init__(self, n):
        self.n = n
        self.waiting = 0
        self.checkin = _thread.allocate_lock()
        self.checkout = _thread.allocate_lock()
        self.checkout.acquire()

    def enter(self):
        self.checkin.acquire()
        self.waiting = self.waiting + 1
        if self.waiting == self.n:
            self.waiting = self.n - 1
            self.checkout.release()
            return
        self.checkin.release()
# case: {"id": "lock-passed-to-the-next-thread"}
