import inspect
import sys

def where():
    frame = inspect.currentframe()  # LL302
    here = sys._getframe()  # LL302
    return frame.f_lineno, here.f_lineno
# case: {"id": "current-frame-in-local", "message_contains": "references itself", "options": {"all-forms": true}}
