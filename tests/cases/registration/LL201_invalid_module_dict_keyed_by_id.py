REGISTRY = dict()

class Tracer:
    def start(self):
        REGISTRY[id(self)] = self  # LL201
# case: {"id": "module-dict-keyed-by-id"}
