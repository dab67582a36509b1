import os
import signal

class Tests:
    def check_listdir(self, names):
        original = os.listdir
        os.listdir = lambda path: names
        try:
            return sorted(os.listdir("."))
        finally:
            os.listdir = original

    def check_alarm(self, seen):
        def handler(signum, frame):
            seen.append(signum)
        old = signal.signal(signal.SIGALRM, handler)
        try:
            signal.alarm(1)
        finally:
            signal.signal(signal.SIGALRM, old)
# case: {"id": "monkeypatch-and-signal-handler-restored"}
