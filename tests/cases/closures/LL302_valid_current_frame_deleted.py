import inspect

def caller_name():
    frame = inspect.currentframe()
    try:
        return frame.f_back.f_code.co_name
    finally:
        del frame
# case: {"id": "current-frame-deleted"}
