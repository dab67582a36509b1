import os
import signal
import sys
import threading

class Tracer:
    def install(self):
        signal.signal(signal.SIGUSR1, self.dump)  # LL202
        os.register_at_fork(after_in_child=self.reset)  # LL202
        sys.settrace(self.trace)  # LL202
        threading.settrace(self.trace)  # LL202
        sys.addaudithook(self.audit)  # LL202

    def dump(self, *a):
        pass

    def reset(self):
        pass

    def trace(self, frame, event, arg):
        return None

    def audit(self, event, args):
        pass
# case: {"id": "process-global-hooks", "options": {"all-forms": true}}
