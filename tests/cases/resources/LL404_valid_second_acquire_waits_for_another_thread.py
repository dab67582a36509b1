import _thread

signalled = _thread.allocate_lock()

def test_signals():
    signalled.acquire()
    spawn_signalling_thread()
    signalled.acquire()
    check_signals()
    signalled.release()
# case: {"id": "second-acquire-waits-for-another-thread"}
