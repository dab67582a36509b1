from myapp.registry import Registry

_registry = Registry()

class Service:
    def __init__(self):
        _registry.add(self)
# case: {"id": "unknown-registry-object"}
