import threading

def handle(request, process):
    timer = threading.Timer(30, request.abort)  # LL603
    timer.start()
    return process(request)

def notify_later(fn):
    threading.Timer(60, fn).start()  # LL603
# case: {"id": "timer-never-cancelled", "message_contains": "never cancelled", "options": {"all-forms": true}}
