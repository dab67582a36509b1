import threading

def handle(request, process):
    timer = threading.Timer(30, request.abort)
    timer.start()
    try:
        return process(request)
    finally:
        timer.cancel()
# case: {"id": "timer-cancelled"}
