import inspect

class Lock:
    def release(self, state):
        state.releasing = inspect.currentframe()
        try:
            state.count -= 1
        finally:
            state.releasing = None
# case: {"id": "frame-on-a-local-object-reset"}
