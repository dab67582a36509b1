from mylib import Thread, Timer

def go(fn):
    Thread(target=fn).start()
    Timer(1, fn).start()
# case: {"id": "look-alikes-from-another-module"}
