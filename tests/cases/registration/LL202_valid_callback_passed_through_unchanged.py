class Registry:
    def __init__(self):
        self._listeners = []

    def add_listener(self, callback):
        self._listeners.append(callback)

def watch(emitter, callback):
    emitter.on("data", callback)
# case: {"id": "callback-passed-through-unchanged"}
