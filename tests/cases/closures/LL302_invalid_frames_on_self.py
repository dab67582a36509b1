import inspect
import sys

class Tracker:
    def __init__(self):
        self.created_at = sys._getframe(1)  # LL302
        self.stack = inspect.stack()  # LL302
# case: {"id": "frames-on-self", "options": {"all-forms": true}}
