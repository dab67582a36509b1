import sys

class Tracer:
    def start(self):
        sys.settrace(self.trace)

    def stop(self):
        sys.settrace(None)

    def trace(self, frame, event, arg):
        return self.trace
# case: {"id": "settrace-reset"}
